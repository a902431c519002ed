// The router against two real servers on loopback: the weight decides the share of new requests,
// the seed decides which ones, a shift to the baseline takes every new request at once while the
// candidate's requests in flight finish and are counted, and a side that gives no answer is
// answered for (502/504) and recorded as that side's failure.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMisbehavingServer, type RunningMisbehavingServer } from '../http-client/testing/misbehaving-server.ts';
import { startCanaryRouter, type CanaryRouter } from './router.ts';

let baseline: RunningMisbehavingServer;
let candidate: RunningMisbehavingServer;
let silent: RunningMisbehavingServer;
let slow: RunningMisbehavingServer;
const clock = () => performance.now();

beforeAll(async () => {
  [baseline, candidate, slow, silent] = await Promise.all([
    startMisbehavingServer({ lanes: 8, dimensions: 8 }),
    startMisbehavingServer({ lanes: 8, dimensions: 16 }),
    startMisbehavingServer({ lanes: 8, delayMs: 150 }),
    startMisbehavingServer({ lanes: 8, stopAfter: 0 }),
  ]);
});
afterAll(async () => {
  await Promise.all([baseline.close(), candidate.close(), slow.close(), silent.close()]);
});

const post = (router: CanaryRouter, text: string) =>
  fetch(`${router.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'public', input: text }) });

describe('canary router', () => {
  it('sends the weight’s share of new requests to the candidate, the same ones for the same seed, each side checked against its own answers', async () => {
    const sides: string[][] = [];
    for (const seed of [7, 7, 8]) {
      const router = await startCanaryRouter({ baseline: baseline.url, candidate: candidate.url, seed, upstreamTimeoutMs: 2000, clock, models: { placeholder: 'public', baseline: 'toy', candidate: 'toy' } });
      router.setWeight(20);
      const got: string[] = [];
      for (let i = 0; i < 200; i++) {
        const r = await fetch(`${router.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"model":"public","input":"text ${i % 50}"}` });
        expect(r.status).toBe(200);
        await r.arrayBuffer();
        got.push(r.headers.get('x-embedgate-canary-side')!);
      }
      const c = router.ledger.summary('candidate', -Infinity, Infinity);
      const b = router.ledger.summary('baseline', -Infinity, Infinity);
      expect(c.ended + b.ended).toBe(200);
      expect(c.ended).toBe(got.filter((s) => s === 'candidate').length);
      expect(c.ended).toBeGreaterThan(20);
      expect(c.ended).toBeLessThan(60);
      // 8 and 16 dimensions, the same texts on both sides: no side is judged by the other's vectors.
      expect(b.invalid + c.invalid).toBe(0);
      sides.push(got);
      await router.close();
    }
    expect(sides[0]).toEqual(sides[1]);
    expect(sides[0]).not.toEqual(sides[2]);
  });

  it('a shift sends every new request to the baseline while the candidate’s requests in flight finish and are counted', async () => {
    const router = await startCanaryRouter({ baseline: baseline.url, candidate: slow.url, seed: 1, upstreamTimeoutMs: 5000, clock });
    router.setWeight(100);
    const inFlight = Array.from({ length: 5 }, (_, i) => post(router, `in flight ${i}`));
    await new Promise((r) => setTimeout(r, 50));
    expect(router.ledger.inFlightOf('candidate')).toBe(5);
    const shiftedAt = router.shiftToBaseline();
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => post(router, `after ${i}`)));
    expect(after.map((r) => r.headers.get('x-embedgate-canary-side'))).toEqual(Array(20).fill('baseline'));
    const drainedAt = await router.drained();
    expect(drainedAt).toBeGreaterThanOrEqual(shiftedAt);
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const c = router.ledger.summary('candidate', -Infinity, Infinity);
    expect({ ended: c.ended, ok: c.ok, inFlight: c.inFlight }).toEqual({ ended: 5, ok: 5, inFlight: 0 });
    expect(router.ledger.where((e) => e.side === 'candidate' && e.arrivedMs >= shiftedAt)).toEqual([]);
    await router.close();
  });

  it('answers 504 for a side that never answers, and counts it as that side’s timeout', async () => {
    const router = await startCanaryRouter({ baseline: baseline.url, candidate: silent.url, seed: 1, upstreamTimeoutMs: 300, clock });
    router.setWeight(100);
    const r = await post(router, 'hello');
    expect(r.status).toBe(504);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('canary_upstream_timeout');
    const c = router.ledger.summary('candidate', -Infinity, Infinity);
    expect(c.failures.timeout).toBe(1);
    expect(c.errors).toBe(1);
    await router.close();
  });
});
