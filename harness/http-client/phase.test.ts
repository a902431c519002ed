// runPhase against small loopback servers of our own: how the open model spreads its arrivals,
// and how answers are counted. Arrival times are read by the server; no speed is asserted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runPhase, split } from './phase.ts';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A server that answers every POST with `answer(n)` (n counts requests) and notes when each arrived. */
async function serve(answer: (n: number) => { status: number; headers?: Record<string, string> }): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => {
      const a = answer(arrivals.length);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end('{"object":"list","data":[]}');
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

describe('split', () => {
  it('splits a total into near-equal integer parts that add up to it', () => {
    expect(split(10, 3)).toEqual([4, 3, 3]);
    expect(split(2, 4)).toEqual([1, 1, 0, 0]);
    expect(split(200, 10).reduce((a, b) => a + b, 0)).toBe(200);
  });
});

describe('runPhase', () => {
  it('open model: arrivals are spread over each second, not sent as one burst', async () => {
    const { url, arrivals } = await serve(() => ({ status: 200 }));
    const rate = 200;
    const r = await runPhase({ name: 'open', url, bodies: ['{}'], startIndex: 0, connections: 200, durationMs: 2000, rate });
    expect(r.ok).toBeGreaterThan(0.5 * rate * 2);
    // Count arrivals per 100 ms. One burst a second (autocannon's own behaviour with every
    // connection on one tick) would put about `rate` requests into one bucket; spread, about rate/10.
    const first = arrivals[0]!;
    const buckets = new Map<number, number>();
    for (const t of arrivals) buckets.set(Math.floor((t - first) / 100), (buckets.get(Math.floor((t - first) / 100)) ?? 0) + 1);
    expect(Math.max(...buckets.values())).toBeLessThan(0.4 * rate);
    expect(r.corrected).toBeDefined();
  });

  it('counts 503s, and those without a numeric Retry-After, apart from other answers', async () => {
    const { url } = await serve((n) => (n % 3 === 0 ? { status: 503, ...(n % 2 === 0 ? { headers: { 'retry-after': '2' } } : {}) } : { status: 200 }));
    const r = await runPhase({ name: 'closed', url, bodies: ['{}'], startIndex: 5, connections: 4, durationMs: 500 });
    const total = Object.values(r.statusCodes).reduce((a, b) => a + b, 0);
    expect(r.statusCodes['503']).toBe(r.rejected);
    expect(r.errors.status).toBe(r.rejected);
    expect(r.ok + r.rejected).toBe(total);
    expect(r.rejected).toBeGreaterThan(0);
    expect(r.rejectedWithoutRetryAfter).toBeGreaterThan(0);
    expect(r.rejectedWithoutRetryAfter).toBeLessThan(r.rejected);
    expect(r.nextIndex).toBeGreaterThanOrEqual(5 + total);
  });
});
