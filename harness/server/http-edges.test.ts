// embedgate serve's HTTP edges, over real HTTP on 127.0.0.1: a request before the model is ready
// (503 model_loading, a bad body still 400), a body streamed without content-length past the
// limit (413, counted as it arrives), and the fault-injection endpoint's argument checks with the
// cache off.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import { startServer, type EmbedServer } from './server.ts';

const LIMIT = 4096;
let server: EmbedServer;
let early: { status: number; body: { error: { code: string; message: string } } };
let earlyBad: number;

const post = (path: string, body: string) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

beforeAll(async () => {
  const m = (await ensureFixtureModels())['baseline']!;
  server = await startServer({ model: { name: 'baseline', path: m.path, queryPrefix: '', documentPrefix: '', expectedSha256: m.sha256, source: 'test', fixture: 'baseline' }, target: { contexts: 1, threads: 1 }, bodyLimitBytes: LIMIT, cacheBytes: 0, faultInjection: true });
  // Asked at once: the server listens before its worker has loaded the model.
  const res = await post('/v1/embeddings', JSON.stringify({ input: 'read a file' }));
  early = { status: res.status, body: (await res.json()) as typeof early.body };
  earlyBad = (await post('/v1/embeddings', '{"input": ')).status;
  await server.ready;
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** POSTs `chunks` with chunked transfer encoding (no content-length), one write per chunk. */
function streamed(chunks: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${server.url}/v1/embeddings`);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // The server may answer and close before the last chunk: that is the point.
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(err)));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('embedgate serve at its edges', () => {
  it('before the model is loaded: a good body gets 503 model_loading, a bad one still 400', () => {
    expect(early.status).toBe(503);
    expect(early.body.error.code).toBe('model_loading');
    expect(earlyBad).toBe(400);
  });

  it('a body streamed past the limit without content-length gets 413', async () => {
    const chunk = 'x'.repeat(1024);
    expect(await streamed(['{"input": "', ...Array.from({ length: 8 }, () => chunk), '"}'])).toBe(413);
    // And a small streamed body is served.
    expect(await streamed(['{"input": ', '"read a file"}'])).toBe(200);
  });

  it('fault injection: count must be a whole number ≥ 1; with the cache off nothing is corrupted', async () => {
    expect((await post('/debug/faults/corrupt-cache?count=0', '')).status).toBe(400);
    const res = await post('/debug/faults/corrupt-cache?count=2', '');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ corrupted: 0, entries: 0, cache: 'off' });
  });
});
