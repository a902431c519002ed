// EmbedQueue at its edges: no backend to send to (the worker is down), a backend call that
// rejects, and a long run of texts through a small window (the waiting list is compacted as it
// goes, and no text is lost or answered twice).
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { EmbedQueue, TextFailure, type EmbedOutcome } from './embed-queue.ts';

const vector = (text: string): EmbedOutcome => ({ vector: Float32Array.of(text.length), tokens: text.length, truncated: false });

describe('EmbedQueue edges', () => {
  it('with no worker running, the request gets 503 worker_unavailable', async () => {
    const q = new EmbedQueue(() => undefined, { capacity: 10, window: 2 });
    const err = (await q.submit(['a', 'b', 'c']).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(503);
    expect(err.message).toBe('the embedding worker is not running');
    expect(q.depth).toBe(0);
  });

  it('a backend call that rejects fails its request with the cause, and frees the window', async () => {
    let calls = 0;
    const q = new EmbedQueue(() => (texts) => texts.map((t) => (calls++ === 0 ? Promise.reject(new Error('worker died')) : Promise.resolve(vector(t)))), { capacity: 10, window: 1 });
    const failure = await q.submit(['a']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TextFailure);
    expect(((failure as TextFailure).cause as Error).message).toBe('worker died');
    expect((await q.submit(['bb']))[0]!.vector[0]).toBe(2);
    expect(q.inFlight).toBe(0);
  });

  it('3000 texts through a window of 4: each answered once, in its own slot', async () => {
    const q = new EmbedQueue(() => (texts) => texts.map((t) => new Promise<EmbedOutcome>((r) => setImmediate(() => r(vector(t))))), { capacity: 4000, window: 4 });
    const texts = Array.from({ length: 3000 }, (_, i) => 'x'.repeat(1 + (i % 50)));
    const out = await q.submit(texts);
    expect(out.map((o) => o.vector[0])).toEqual(texts.map((t) => t.length));
    expect(q.depth).toBe(0);
  });
});
