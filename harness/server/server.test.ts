// embedgate serve over real HTTP on 127.0.0.1, with the official openai client as its client.
import fc from 'fast-check';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import type { ResolvedModel } from '../plan.ts';
import { openGgufTarget, type GgufTarget } from '../targets/gguf/target.ts';
import { startServer, type EmbedServer } from './server.ts';
import { cosine } from '../metrics/vector-math.ts';

const TEXTS = ['read a file into a string', 'function debounce(fn, wait) { let t; return () => { clearTimeout(t); t = setTimeout(fn, wait); }; }', 'x'];
const BODY_LIMIT = 256 * 1024;
const QUEUE = 64;

let server: EmbedServer;
let local: GgufTarget;
let client: OpenAI;
let model: ResolvedModel;

const post = (body: string, path = '/v1/embeddings', method = 'POST') =>
  fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body }) });


const metric = async (name: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

beforeAll(async () => {
  const m = (await ensureFixtureModels()).baseline!;
  model = { name: 'baseline', path: m.path, queryPrefix: '', documentPrefix: '', expectedSha256: m.sha256, source: 'test', fixture: 'baseline' };
  [server, local] = await Promise.all([
    startServer({ model, target: { contexts: 2, threads: 1 }, bodyLimitBytes: BODY_LIMIT, queueCapacity: QUEUE }),
    openGgufTarget(model, { contexts: 1, threads: 1 }),
  ]);
  await server.ready;
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await Promise.all([server?.stop(), local?.close()]);
});

describe('the openai client against embedgate serve', () => {
  it('gets float vectors equal to the in-process embedder, and usage in tokens', async () => {
    const res = await client.embeddings.create({ model: 'baseline', input: TEXTS, encoding_format: 'float' });
    const expected = await local.embedDetailed(TEXTS);
    expect(res.object).toBe('list');
    expect(res.model).toBe('baseline');
    expect(res.data.map((d) => d.index)).toEqual([0, 1, 2]);
    res.data.forEach((d, i) => {
      expect(d.embedding).toHaveLength(server.modelInfo()!.dimensions);
      expect(cosine(d.embedding, expected.vectors[i]!)).toBeGreaterThan(0.99999);
    });
    const tokens = expected.tokens.reduce((a, b) => a + b, 0);
    expect(tokens).toBeGreaterThan(TEXTS.length);
    expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it('base64 (the client default) decodes to the same float32 values', async () => {
    const asFloat = await client.embeddings.create({ model: 'baseline', input: TEXTS[0]!, encoding_format: 'float' });
    const asBase64 = await client.embeddings.create({ model: 'baseline', input: TEXTS[0]! }); // client asks base64 and decodes
    const raw = (await (await post(JSON.stringify({ input: TEXTS[0], encoding_format: 'base64' }))).json()) as { data: { embedding: string }[] };
    const bytes = Buffer.from(raw.data[0]!.embedding, 'base64');
    const decoded = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(Array.from(decoded)).toEqual(asFloat.data[0]!.embedding);
    expect(Array.from(asBase64.data[0]!.embedding)).toEqual(asFloat.data[0]!.embedding);
  });

  it('dimensions keeps the first n values and re-normalises them', async () => {
    const full = (await client.embeddings.create({ model: 'baseline', input: TEXTS[1]!, encoding_format: 'float' })).data[0]!.embedding;
    const cut = (await client.embeddings.create({ model: 'baseline', input: TEXTS[1]!, encoding_format: 'float', dimensions: 32 })).data[0]!.embedding;
    expect(cut).toHaveLength(32);
    expect(Math.hypot(...cut)).toBeCloseTo(1, 5);
    const norm = Math.hypot(...full.slice(0, 32));
    cut.forEach((x, i) => expect(x).toBeCloseTo(full[i]! / norm, 5));
  });

  it('lists the model with its facts at /v1/models', async () => {
    const list = await client.models.list();
    expect(list.data[0]).toMatchObject({ id: 'baseline', object: 'model', owned_by: 'embedgate', dimensions: 256, sha256: server.modelInfo()!.sha256 });
  });
});

describe('bad input gets an OpenAI-shaped error with the right status', () => {
  const longText = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ');
  it.each([
    ['invalid JSON', '{"input": ', 400, 'invalid_json', null],
    ['wrong type', '{"input": 42}', 400, 'invalid_type', 'input'],
    ['empty string', '{"input": ""}', 400, 'empty_input', 'input'],
    ['empty array', '{"input": []}', 400, 'empty_input', 'input'],
    ['too many inputs', JSON.stringify({ input: Array.from({ length: QUEUE + 1 }, (_, i) => `t${i}`) }), 400, 'too_many_inputs', 'input'],
    ['input longer than the context', JSON.stringify({ input: ['short', longText] }), 400, 'context_length_exceeded', 'input[1]'],
    ['unknown model', '{"input": "a", "model": "text-embedding-3-large"}', 404, 'model_not_found', 'model'],
    ['bad dimensions', '{"input": "a", "dimensions": 100000}', 400, 'invalid_value', 'dimensions'],
  ])('%s', async (_name, body, status, code, param) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: Record<string, unknown> };
    expect(json).toEqual({ error: { message: expect.any(String), type: expect.any(String), param, code } });
  });

  it('says the server rejects over-long input and how to truncate instead', async () => {
    const json = (await (await post(JSON.stringify({ input: longText }))).json()) as { error: { message: string } };
    expect(json.error.message).toMatch(/tokens.*overflow=error.*--overflow truncate/s);
  });

  it('an over-long input among concurrent good requests fails only its own request', async () => {
    // More requests than the window: the waiting ones reach the worker several to a message.
    const good = Array.from({ length: 24 }, (_, i) => `${TEXTS[0]} ${i}`);
    const bodies = [...good.slice(0, 12), longText, ...good.slice(12)].map((input) => JSON.stringify({ input, encoding_format: 'float' }));
    const replies = await Promise.all(bodies.map(async (b) => {
      const res = await post(b);
      return { status: res.status, json: (await res.json()) as { data?: { embedding: number[] }[]; error?: { code: string; param: string } } };
    }));
    expect(replies.map((r) => r.status)).toEqual(bodies.map((_, i) => (i === 12 ? 400 : 200)));
    expect(replies[12]!.json.error).toMatchObject({ code: 'context_length_exceeded', param: 'input[0]' });
    const expected = await local.embed(good);
    const served = replies.filter((_, i) => i !== 12).map((r) => Float32Array.from(r.json.data![0]!.embedding));
    served.forEach((v, i) => expect(cosine(v, expected[i]!)).toBeGreaterThan(0.9999));
  });

  it('a body over the limit → 413', async () => {
    const res = await post(JSON.stringify({ input: 'a'.repeat(BODY_LIMIT + 10) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
  });

  it('a wrong path → 404, a wrong method → 405 with Allow', async () => {
    const missing = await post('{}', '/v1/embedding');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrong = await post('', '/v1/embeddings', 'GET');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(((await wrong.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('the openai client surfaces the message', async () => {
    const err = await client.embeddings.create({ model: 'nope', input: 'a' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as Error).message).toMatch(/does not exist on this server/);
  });
});

describe('cache', () => {
  it('serves repeated inputs from the cache (hit rate > 80 %)', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `repeated query number ${i}`);
    const before = server.service.cache!.snapshot();
    for (let round = 0; round < 10; round++) await client.embeddings.create({ model: 'baseline', input: texts });
    const after = server.service.cache!.snapshot();
    const hits = after.hits - before.hits;
    const lookups = hits + after.misses - before.misses;
    expect(lookups).toBe(100);
    expect(hits / lookups).toBeGreaterThan(0.8);
    expect(await metric('embedgate_cache_hits_total')).toBe(after.hits);
  });

  it('a corrupted entry is detected, counted, dropped and recomputed, never served', async () => {
    const text = 'a text whose cache entry gets a flipped bit';
    const good = (await client.embeddings.create({ model: 'baseline', input: text, encoding_format: 'float' })).data[0]!.embedding;
    const cache = server.service.cache!;
    expect(cache.corruptForTesting(cache.key('', text))).toBe(true);
    const corruptBefore = cache.snapshot().corrupt;
    const res = await post(JSON.stringify({ input: text }));
    expect(res.headers.get('x-embedgate-cache-hits')).toBe('0');
    const again = ((await res.json()) as { data: { embedding: number[] }[] }).data[0]!.embedding;
    expect(again).toEqual(good);
    expect(cache.snapshot().corrupt).toBe(corruptBefore + 1);
    expect(await metric('embedgate_cache_corrupt_total')).toBe(corruptBefore + 1);
    // Recomputed and cached again: the next read is a hit.
    expect((await post(JSON.stringify({ input: text }))).headers.get('x-embedgate-cache-hits')).toBe('1');
  });
});

describe('bounded queue', () => {
  it('a full queue answers 503 + Retry-After at once, and service recovers when load drops', async () => {
    const pid = server.supervisor.current!.pid!;
    process.kill(pid, 'SIGSTOP'); // the worker stops answering: admitted texts stay admitted
    try {
      const stuck = Array.from({ length: QUEUE - 4 }, (_, i) => `queued text ${i} ${Math.random()}`);
      const first = post(JSON.stringify({ input: stuck }));
      while (server.service.queue.depth + server.service.queue.inFlight < stuck.length) await new Promise((r) => setTimeout(r, 5));
      const refused = await post(JSON.stringify({ input: ['one', 'two', 'three', 'four', 'five'].map((t) => `${t} ${Math.random()}`) }));
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ error: { type: 'overloaded_error', code: 'queue_full', param: null } });
      expect(await metric('embedgate_queue_depth')).toBeGreaterThan(0);
      process.kill(pid, 'SIGCONT');
      expect((await first).status).toBe(200);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const after = await post(JSON.stringify({ input: ['recovered'] }));
    expect(after.status).toBe(200);
    expect(server.service.queue.depth + server.service.queue.inFlight).toBe(0);
  });

  it('a client that disconnects takes its waiting texts with it', async () => {
    const q = server.service.queue;
    const pid = server.supervisor.current!.pid!;
    const cancelledBefore = q.cancelled;
    process.kill(pid, 'SIGSTOP'); // texts reach the window and stop there; the rest wait in the queue
    try {
      const texts = Array.from({ length: 20 }, (_, i) => `abandoned text ${i} ${Math.random()}`);
      const gone = new AbortController();
      const abandoned = fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: texts }), signal: gone.signal }).catch((e: unknown) => e);
      while (q.depth + q.inFlight < texts.length) await new Promise((r) => setTimeout(r, 5));
      const waiting = q.depth;
      expect(waiting).toBeGreaterThan(0);
      gone.abort();
      await abandoned;
      while (q.depth > 0) await new Promise((r) => setTimeout(r, 5));
      expect(q.cancelled - cancelledBefore).toBe(waiting);
      expect(await metric('embedgate_queue_cancelled_total')).toBe(q.cancelled);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    while (q.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    expect((await post(JSON.stringify({ input: ['still serving'] }))).status).toBe(200);
  });
});

describe('fuzz', () => {
  it('1000 random bodies: no 5xx, the server stays up, RSS stays bounded', async () => {
    const valid = fc.record({
      input: fc.oneof(fc.string(), fc.array(fc.string({ maxLength: 40 }), { maxLength: 8 }), fc.array(fc.integer(), { maxLength: 4 })),
      model: fc.oneof(fc.constant('baseline'), fc.string({ maxLength: 8 })),
      encoding_format: fc.constantFrom('float', 'base64', 'int8', undefined),
      dimensions: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double(), fc.constant(undefined)),
    }, { requiredKeys: [] });
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      valid.map((v) => JSON.stringify(v)),
      // Valid JSON cut short or with bytes flipped.
      fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([v, at, byte]) => {
        const s = JSON.stringify(v);
        const i = at % Math.max(1, s.length);
        return at % 2 ? s.slice(0, i) : s.slice(0, i) + String.fromCharCode(byte) + s.slice(i + 1);
      }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    const bodies = fc.sample(body, { seed: 42, numRuns: 1000 });
    const rss = () => process.memoryUsage.rss();
    // Warm up (JIT, buffers) before the baseline reading.
    for (const b of bodies.slice(0, 100)) await (await post(b)).arrayBuffer();
    const before = rss();
    const statuses = new Map<number, number>();
    for (const b of bodies) {
      const res = await post(b);
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `body ${JSON.stringify(b).slice(0, 200)} → ${text.slice(0, 200)}`).toBeLessThan(500);
      if (res.status >= 400) expect(JSON.parse(text)).toMatchObject({ error: { message: expect.any(String), code: expect.any(String) } });
    }
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    expect(statuses.get(200)).toBeGreaterThan(20); // the generator reaches the success path too
    expect(rss() - before).toBeLessThan(64 * 1024 * 1024);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});

describe('/health and /metrics', () => {
  it('health is ready with worker, queue and cache facts', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', ready: true, model: 'baseline', worker: { restarts: 0, contexts: 2 }, queue: { capacity: QUEUE } });
  });

  it('metrics are Prometheus text with every family the plan names', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'embedgate_http_requests_total',
      'embedgate_embeddings_request_duration_seconds',
      'embedgate_embeddings_batch_size',
      'embedgate_queue_depth',
      'embedgate_cache_hits_total',
      'embedgate_cache_misses_total',
      'embedgate_tokens_total',
      'embedgate_worker_restarts_total',
      'process_resident_memory_bytes',
      'embedgate_worker_resident_memory_bytes',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
    }
    expect(text).toMatch(/^embedgate_http_requests_total\{path="\/v1\/embeddings",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^embedgate_embeddings_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]\d*$/m);
    expect(await metric('embedgate_worker_resident_memory_bytes')).toBeGreaterThan(0);
    // Every sample line is `name{labels} value`.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_:][a-z0-9_:]*(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf)$/);
  });
});
