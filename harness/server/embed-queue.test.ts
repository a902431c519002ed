import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { CancelledError, EmbedQueue, TextFailure, type EmbedOutcome } from './embed-queue.ts';

/** A backend whose texts complete only when the test says so; `calls` records each message. */
function manualBackend() {
  const pending: { text: string; resolve: (o: EmbedOutcome) => void }[] = [];
  const calls: string[][] = [];
  const backend = (texts: string[]) => {
    calls.push(texts);
    return texts.map((text) => new Promise<EmbedOutcome>((resolve) => pending.push({ text, resolve })));
  };
  const finishAll = () => {
    for (const p of pending.splice(0)) p.resolve({ vector: Float32Array.of(p.text.length), tokens: p.text.length, truncated: false });
  };
  return { backend, pending, calls, finishAll };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('EmbedQueue', () => {
  it('keeps at most `window` texts in the backend and the rest waiting', async () => {
    const b = manualBackend();
    const q = new EmbedQueue(() => b.backend, { capacity: 10, window: 2 });
    const done = q.submit(['a', 'bb', 'ccc', 'dddd']);
    expect(q.inFlight).toBe(2);
    expect(q.depth).toBe(2);
    while (q.inFlight > 0) {
      b.finishAll();
      await tick();
    }
    expect((await done).map((o) => o.tokens)).toEqual([1, 2, 3, 4]);
  });

  it('refuses a request that does not fit with 503 + Retry-After, all or nothing, and recovers once drained', async () => {
    const b = manualBackend();
    const q = new EmbedQueue(() => b.backend, { capacity: 3, window: 1 });
    const first = q.submit(['a', 'b']);
    const refused = await q.submit(['c', 'd']).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 503, code: 'queue_full', type: 'overloaded_error' });
    expect(Number((refused as ApiError).headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(q.depth + q.inFlight).toBe(2); // nothing of the refused request was admitted
    expect(q.rejected).toBe(1);
    while (q.inFlight > 0) {
      b.finishAll();
      await tick();
    }
    await first;
    const after = q.submit(['c', 'd']);
    while (q.inFlight > 0) {
      b.finishAll();
      await tick();
    }
    expect(await after).toHaveLength(2);
  });

  it('refills the window only at the low-water mark, sending the waiting texts together; a failed text fails only its own request', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const backend = (texts: string[]) => {
      calls.push(texts);
      return texts.map(async (t) => {
        await gate;
        return t === 'bad' ? new Error('too long') : { vector: Float32Array.of(t.length), tokens: t.length, truncated: false };
      });
    };
    const q = new EmbedQueue(() => backend, { capacity: 20, window: 4, refillAt: 1 });
    const requests = [['a'], ['b'], ['c', 'bad'], ['d'], ['e']].map((texts) => q.submit(texts).then((o) => o.map((x) => x.tokens), (e: unknown) => e));
    expect(q.inFlight).toBe(2); // a, then b (1 in flight ≤ refillAt); c waits for in-flight ≤ 1
    release();
    const results = await Promise.all(requests);
    expect(calls).toEqual([['a'], ['b'], ['c', 'bad', 'd'], ['e']]); // a done: 1 in flight, fill to 4
    expect(results[2]).toBeInstanceOf(TextFailure);
    expect((results[2] as TextFailure).text).toBe('bad');
    expect(results.filter((_, i) => i !== 2)).toEqual([[1], [1], [1], [1]]);
  });

  it('drops the waiting texts of a request whose client went away, freeing their capacity', async () => {
    const b = manualBackend();
    const q = new EmbedQueue(() => b.backend, { capacity: 4, window: 1 });
    const first = q.submit(['a']);
    const gone = new AbortController();
    const abandoned = q.submit(['b', 'c'], gone.signal).catch((e: unknown) => e);
    const kept = q.submit(['d']);
    expect(q.depth).toBe(3);
    gone.abort();
    expect(await abandoned).toBeInstanceOf(CancelledError);
    expect(q.depth).toBe(1);
    expect(q.cancelled).toBe(2);
    expect(q.full).toBe(false);
    while (q.inFlight > 0 || q.depth > 0) {
      b.finishAll();
      await tick();
    }
    await Promise.all([first, kept]);
    expect(b.pending).toHaveLength(0);
    expect(q.completed).toBe(2); // a and d; b and c never reached the backend
  });

  it('rejects waiting texts when the worker goes away', async () => {
    const b = manualBackend();
    const q = new EmbedQueue(() => b.backend, { capacity: 10, window: 1 });
    const r = q.submit(['a', 'b', 'c']).catch((e: unknown) => e);
    q.failWaiting(new Error('worker died'));
    expect(q.depth).toBe(0);
    expect(await r).toMatchObject({ message: 'worker died' });
  });
});
