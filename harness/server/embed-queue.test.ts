import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { EmbedQueue, type EmbedOutcome } from './embed-queue.ts';

/** A backend whose calls complete only when the test says so. */
function manualBackend() {
  const pending: { texts: string[]; resolve: (o: EmbedOutcome[]) => void }[] = [];
  const backend = (texts: string[]) =>
    new Promise<EmbedOutcome[]>((resolve) => pending.push({ texts, resolve }));
  const finishAll = () => {
    for (const p of pending.splice(0)) p.resolve(p.texts.map((t) => ({ vector: Float32Array.of(t.length), tokens: t.length, truncated: false })));
  };
  return { backend, pending, finishAll };
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

  it('rejects waiting texts when the worker goes away', async () => {
    const b = manualBackend();
    const q = new EmbedQueue(() => b.backend, { capacity: 10, window: 1 });
    const r = q.submit(['a', 'b', 'c']).catch((e: unknown) => e);
    q.failWaiting(new Error('worker died'));
    expect(q.depth).toBe(0);
    expect(await r).toMatchObject({ message: 'worker died' });
  });
});
