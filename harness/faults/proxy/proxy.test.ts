// The fault proxy in front of a real (clean) misbehaving test server: each toxic's effect as a
// client sees it, deterministic picks, disable, and cleanup on close. Times are only lower bounds
// (a delay can come late on a busy machine, never early).
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMisbehavingServer, toyVector, type RunningMisbehavingServer } from '../../http-client/testing/misbehaving-server.ts';
import { runPhase } from '../../http-client/phase.ts';
import { cosine } from '../../metrics/vector-math.ts';
import { startFaultProxy, ToxicError, type FaultProxy } from './index.ts';

interface Reply {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  error?: string;
  ms: number;
}

/** One POST on a fresh connection; resolves with the answer or the socket error, never rejects. */
function call(url: string, body: unknown, timeoutMs = 5000, path = '/v1/embeddings'): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: res.statusCode!, error: e.code ?? e.message, ms: performance.now() - started }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, ms: performance.now() - started }));
    req.end(text);
  });
}

const embed = (input: string[] | string, encoding?: 'base64') => ({ model: 'toy', input, ...(encoding ? { encoding_format: encoding } : {}) });
const vectorsOf = (reply: Reply): number[][] => (JSON.parse(reply.body!) as { data: { embedding: number[] }[] }).data.map((d) => d.embedding);

let upstream: RunningMisbehavingServer;
let proxy: FaultProxy;

beforeAll(async () => {
  upstream = await startMisbehavingServer({ dimensions: 8 });
  proxy = await startFaultProxy({ upstream: upstream.url, seed: 7 });
});
afterEach(() => proxy.clear());
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

describe('fault proxy', () => {
  it('with no toxic passes requests and answers through unchanged, and counts them', async () => {
    const before = proxy.counts();
    const direct = await call(upstream.url, embed(['a', 'bc']));
    const proxied = await call(proxy.url, embed(['a', 'bc']));
    expect(proxied.status).toBe(200);
    expect(proxied.body).toBe(direct.body);
    expect(proxied.headers!['content-type']).toBe('application/json');
    const after = proxy.counts();
    expect(after.requests - before.requests).toBe(1);
    expect(after.connections - before.connections).toBe(1);
  });

  it('latency delays each answer by at least latency - jitter', async () => {
    proxy.set([{ type: 'latency', attributes: { latency: 300, jitter: 50 } }]);
    const r = await call(proxy.url, embed('x'));
    expect(r.status).toBe(200);
    expect(r.ms).toBeGreaterThanOrEqual(250);
    expect(proxy.counts().affected.latency_downstream).toBeGreaterThanOrEqual(1);
  });

  it('bandwidth sends the answer at the rate: 10 KB at 10 KB/s takes about a second', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => `text ${i}`);
    const clean = await call(proxy.url, embed(texts));
    proxy.set([{ type: 'bandwidth', attributes: { rate: 10 } }]);
    const slow = await call(proxy.url, embed(texts));
    expect(slow.body).toBe(clean.body);
    const expectedMs = (clean.body!.length / 10240) * 1000;
    expect(expectedMs).toBeGreaterThan(500);
    expect(slow.ms).toBeGreaterThanOrEqual(expectedMs - 150);
  });

  it('reset_peer resets the connection: the client sees ECONNRESET and no answer', async () => {
    proxy.set([{ type: 'reset_peer', attributes: { timeout: 0 } }]);
    expect((await call(proxy.url, embed('x'))).error).toBe('ECONNRESET');
  });

  it('timeout closes without an answer after its timeout; timeout 0 holds the connection', async () => {
    proxy.set([{ type: 'timeout', attributes: { timeout: 200 } }]);
    const closed = await call(proxy.url, embed('x'));
    expect(closed.status).toBeUndefined();
    expect(closed.error).toMatch(/ECONNRESET|socket hang up/);
    expect(closed.ms).toBeGreaterThanOrEqual(190);
    proxy.set([{ type: 'timeout', attributes: { timeout: 0 } }]);
    expect((await call(proxy.url, embed('x'), 400)).error).toBe('CLIENT_TIMEOUT');
  });

  it('slow_close delays the proxy closing a connection it drops', async () => {
    proxy.set([{ type: 'slow_close', attributes: { delay: 300 } }, { type: 'drop' }]);
    const r = await call(proxy.url, embed('x'));
    expect(r.status).toBeUndefined();
    expect(r.ms).toBeGreaterThanOrEqual(290);
  });

  it('limit_data lets that many bytes through, then closes: a truncated answer', async () => {
    proxy.set([{ type: 'limit_data', attributes: { bytes: 120 } }]);
    const r = await call(proxy.url, embed(Array.from({ length: 20 }, (_, i) => `t${i}`)));
    expect(r.error ?? 'complete').not.toBe('complete');
    expect(proxy.counts().affected.limit_data_downstream).toBeGreaterThanOrEqual(1);
  });

  it('http_5xx answers its status and Retry-After instead of the upstream answer', async () => {
    const received = upstream.counts.received;
    proxy.set([{ type: 'http_5xx', attributes: { status: 503, retryAfter: 2 } }]);
    const r = await call(proxy.url, embed('x'));
    expect(r.status).toBe(503);
    expect(r.headers!['retry-after']).toBe('2');
    expect(JSON.parse(r.body!)).toMatchObject({ error: { type: 'injected_fault' } });
    expect(upstream.counts.received).toBe(received);
  });

  it('malformed_json cuts the body so it no longer parses; wrong_content_type serves it as text/html', async () => {
    proxy.set([{ type: 'malformed_json' }]);
    const bad = await call(proxy.url, embed(['a', 'b']));
    expect(bad.status).toBe(200);
    expect(() => JSON.parse(bad.body!)).toThrow();
    proxy.set([{ type: 'wrong_content_type' }]);
    const html = await call(proxy.url, embed(['a', 'b']));
    expect(html.headers!['content-type']).toMatch(/^text\/html/);
    expect(vectorsOf(html)).toHaveLength(2);
  });

  it('wrong_vector_count answers fewer or more vectors than inputs', async () => {
    proxy.set([{ type: 'wrong_vector_count', attributes: { delta: -1 } }]);
    expect(vectorsOf(await call(proxy.url, embed(['a', 'b', 'c'])))).toHaveLength(2);
    proxy.set([{ type: 'wrong_vector_count', attributes: { delta: 2 } }]);
    expect(vectorsOf(await call(proxy.url, embed(['a', 'b', 'c'])))).toHaveLength(5);
  });

  it('wrong_dimension changes every vector length, in float and in base64 answers', async () => {
    proxy.set([{ type: 'wrong_dimension', attributes: { delta: -1 } }]);
    expect(vectorsOf(await call(proxy.url, embed(['a', 'b']))).map((v) => v.length)).toEqual([7, 7]);
    const b64 = JSON.parse((await call(proxy.url, embed(['a'], 'base64'))).body!) as { data: { embedding: string }[] };
    expect(Buffer.from(b64.data[0]!.embedding, 'base64').length).toBe(7 * 4);
  });

  it('perturb_vectors turns each vector to the cosine asked, keeping its norm', async () => {
    proxy.set([{ type: 'perturb_vectors', attributes: { cosine: 0.997 } }]);
    const [v] = vectorsOf(await call(proxy.url, embed(['some text'])));
    const original = toyVector('some text', 8);
    expect(cosine(Float32Array.from(v!), original)).toBeCloseTo(0.997, 4);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 5);
    const b64 = JSON.parse((await call(proxy.url, embed(['some text'], 'base64'))).body!) as { data: { embedding: string }[] };
    const bytes = Buffer.from(b64.data[0]!.embedding, 'base64');
    expect(cosine(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), original)).toBeCloseTo(0.997, 4);
  });

  it('drop closes after reading the request: the upstream never sees it, the client gets no answer', async () => {
    const received = upstream.counts.received;
    proxy.set([{ type: 'drop' }]);
    const r = await call(proxy.url, embed('x'));
    expect(r.status).toBeUndefined();
    expect(r.error).toMatch(/ECONNRESET|socket hang up/);
    expect(upstream.counts.received).toBe(received);
  });

  it('stop_answering with after: N answers the first N requests, then holds every new one', async () => {
    const base = proxy.counts().requests;
    proxy.set([{ type: 'stop_answering', attributes: { after: base + 2 } }]);
    expect((await call(proxy.url, embed('a'))).status).toBe(200);
    expect((await call(proxy.url, embed('b'))).status).toBe(200);
    expect((await call(proxy.url, embed('c'), 400)).error).toBe('CLIENT_TIMEOUT');
    expect(proxy.counts().affected.stop_answering_downstream).toBe(1);
  });

  it('toxicity picks the same requests for the same seed, and about that share of them', async () => {
    const pattern = async (seed: number) => {
      const p = await startFaultProxy({ upstream: upstream.url, seed });
      try {
        p.set([{ type: 'http_5xx', toxicity: 0.3 }]);
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await call(p.url, embed(`t${i}`))).status!);
        expect(p.counts().affected.http_5xx_downstream).toBe(statuses.filter((s) => s === 503).length);
        return statuses.map((s) => (s === 503 ? 'x' : '.')).join('');
      } finally {
        await p.close();
      }
    };
    const a = await pattern(11);
    expect(await pattern(11)).toBe(a);
    expect(await pattern(12)).not.toBe(a);
    const hits = a.split('').filter((c) => c === 'x').length;
    expect(hits).toBeGreaterThan(4);
    expect(hits).toBeLessThan(24);
  });

  it('refuses a bad toxic, naming it, and keeps the toxics it had', async () => {
    proxy.set([{ type: 'latency', attributes: { latency: 1 } }]);
    expect(() => proxy.set([{ type: 'latency' }, { type: 'bogus' as never }])).toThrow(ToxicError);
    expect(() => proxy.set([{ type: 'latency', attributes: { latncy: 5 } }])).toThrow(/toxics\[0\]\.attributes\.latncy: latency has no attribute "latncy"/);
    expect(() => proxy.set([{ type: 'bandwidth' }])).toThrow(/toxics\[0\]\.attributes\.rate: bandwidth needs it/);
    expect(() => proxy.set([{ type: 'drop', toxicity: 2 }])).toThrow(/toxics\[0\]\.toxicity/);
    const before = proxy.counts().affected.latency_downstream ?? 0;
    await call(proxy.url, embed('x'));
    expect(proxy.counts().affected.latency_downstream).toBe(before + 1);
  });

  it('disabled, it resets every connection; enabled again, it serves', async () => {
    proxy.enabled = false;
    expect((await call(proxy.url, embed('x'))).error).toBe('ECONNRESET');
    proxy.enabled = true;
    expect((await call(proxy.url, embed('x'))).status).toBe(200);
  });

  it('close() ends held connections and stops listening', async () => {
    const p = await startFaultProxy({ upstream: upstream.url });
    p.set([{ type: 'stop_answering' }, { type: 'latency', attributes: { latency: 60_000 } }]);
    const held = call(p.url, embed('x'), 30_000);
    await new Promise((r) => setTimeout(r, 100));
    await p.close();
    const r = await held;
    expect(r.status).toBeUndefined();
    expect(r.ms).toBeLessThan(30_000);
    expect((await call(p.url, embed('x'))).error).toBe('ECONNREFUSED');
  });

  describe('under a load phase', () => {
    const bodies = Array.from({ length: 64 }, (_, i) => JSON.stringify(embed(`text ${i % 16}`)));
    const phase = () => runPhase({ name: 'p', url: proxy.url, bodies, startIndex: 0, connections: 2, durationMs: 600, timeoutMs: 2000, graceMs: 1000, check: { dimensions: 8 } });

    it('answers the proxy rewrites are marked (markRewritten), checked apart and all caught; the target’s own answers stay valid', async () => {
      const marking = await startFaultProxy({ upstream: upstream.url, seed: 7, markRewritten: true });
      const phase = () => runPhase({ name: 'p', url: marking.url, bodies, startIndex: 0, connections: 2, durationMs: 600, timeoutMs: 2000, graceMs: 1000, check: { dimensions: 8 } });
      for (const toxics of [[{ type: 'malformed_json' as const, toxicity: 0.5 }], [{ type: 'wrong_content_type' as const, toxicity: 0.5 }], [{ type: 'wrong_vector_count' as const, toxicity: 0.5, attributes: { delta: 1 } }]]) {
        marking.set(toxics);
        const r = await phase();
        expect(r.rewritten!.checked, toxics[0]!.type).toBeGreaterThan(0);
        expect(r.rewritten!.caught).toBe(r.rewritten!.checked);
        expect(r.invalid.total).toBe(0);
        expect(r.checked + r.rewritten!.checked).toBe(r.ok);
        expect(r.checked).toBeGreaterThan(0);
      }
      await marking.close();
    });

    it('without markRewritten the proxy plays a broken target: its rewritten answers are the target’s wrong answers', async () => {
      proxy.set([{ type: 'wrong_dimension', toxicity: 0.5 }]);
      const r = await phase();
      expect(r.invalid.byReason['wrong-dimension']).toBeGreaterThan(0);
      expect(r.rewritten!.checked).toBe(0);
    });

    it('limit_data cuts answers off: the cut request is lost, and the next answer on a new connection is whole (never a wrong answer)', async () => {
      const one = (await call(proxy.url, embed('text 0'))).body!.length + 200;
      proxy.set([{ type: 'limit_data', attributes: { bytes: Math.round(one * 1.5) } }]);
      const r = await phase();
      expect(r.errors.lost).toBeGreaterThan(0);
      expect(r.ok).toBeGreaterThan(0);
      expect(r.invalid.total).toBe(0);
      expect(r.sent).toBe(r.answered + r.errors.timeout + r.errors.reset + r.errors.connection + r.errors.lost + r.errors.unanswered);
    });
  });
});
