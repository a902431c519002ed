// Routing and the HTTP side of each endpoint: read the body under a size limit, validate, call the
// embed service, write OpenAI-shaped JSON. Every failure leaves as an ApiError body; nothing here
// may throw past the handler (a thrown error would be a 500 without a body, or a crash).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelInfo } from '../result.ts';
import { ApiError, unavailable } from './api-error.ts';
import type { EmbedResult, EmbedService } from './embed-service.ts';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
import type { ServerMetrics } from './server-metrics.ts';
import { parseEmbeddingRequest, type EmbeddingRequest } from './validate-request.ts';
import { LatencyHistogram } from '../metrics/latency.ts';

export interface AppContext {
  service: EmbedService;
  metrics: ServerMetrics;
  /** The id clients send as `model`, and other names it answers to. */
  modelIds: string[];
  /** Facts of the loaded model; undefined until the first worker is ready. */
  modelInfo: () => ModelInfo | undefined;
  overflow: 'error' | 'truncate';
  maxInputs: number;
  bodyLimitBytes: number;
  /** True once shutdown began: new work gets 503. */
  draining: () => boolean;
  startedAt: number;
  /** Latency of successful embedding requests, for /health percentiles. */
  latency: LatencyHistogram;
  /** POST /debug/faults/* answers (serve --fault-injection); otherwise it is 404 like any unknown path. */
  faultInjection: boolean;
  /** More GET /health fields from a front end beside this API (serve --mcp: its search index). */
  extraHealth?: () => Record<string, unknown>;
}

type Route = { methods: Record<string, (req: IncomingMessage, res: ServerResponse, ctx: AppContext) => Promise<void> | void> };

const ROUTES: Record<string, Route> = {
  '/v1/embeddings': { methods: { POST: embeddings } },
  '/embeddings': { methods: { POST: embeddings } },
  '/v1/models': { methods: { GET: models } },
  '/models': { methods: { GET: models } },
  '/health': { methods: { GET: health } },
  '/metrics': { methods: { GET: metrics } },
  '/debug/faults/corrupt-cache': { methods: { POST: corruptCache } },
};

export function createHandler(ctx: AppContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    // The fault-injection routes do not exist unless serve was started with --fault-injection.
    const route = path.startsWith('/debug/') && !ctx.faultInjection ? undefined : ROUTES[path];
    res.on('finish', () => ctx.metrics.requests.inc({ path: route ? path : 'other', status: String(res.statusCode) }));
    let run: Promise<void> | void;
    try {
      if (!route) throw new ApiError(404, `no route ${req.method} ${path.slice(0, 200)}; this server answers POST /v1/embeddings, GET /v1/models, GET /health, GET /metrics`, 'invalid_request_error', 'not_found');
      const handler = route.methods[req.method ?? ''];
      if (!handler) {
        const allow = Object.keys(route.methods).join(', ');
        throw new ApiError(405, `${req.method} is not allowed on ${path}; use ${allow}`, 'invalid_request_error', 'method_not_allowed', null, { allow });
      }
      run = handler(req, res, ctx);
    } catch (err) {
      run = Promise.reject(err);
    }
    Promise.resolve(run).catch((err: unknown) => sendError(res, err, ctx));
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown, _ctx: AppContext): void {
  const api = err instanceof ApiError ? err : new ApiError(500, `internal error: ${err instanceof Error ? err.message : String(err)}`, 'server_error', 'internal_error');
  sendJson(res, api.status, api.body(), api.headers);
}

/**
 * Reads the body, refusing with 413 (and closing the connection) once it passes the limit. The
 * refusal waits until the client has sent the rest (read and dropped, 5 s at most): a socket
 * closed with unread bytes is reset by the kernel, and the reset discards the 413 before the
 * client reads it, so the client would see EPIPE instead of the reason.
 */
export function readBody(req: IncomingMessage, limit: number, res: ServerResponse): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let over = Number.isFinite(declared) && declared > limit ? `${declared} bytes` : undefined;
    let cut: NodeJS.Timeout | undefined;
    const refuse = () => {
      clearTimeout(cut);
      res.setHeader('connection', 'close');
      reject(new ApiError(413, `the request body is ${over}, the limit is ${limit} bytes; send fewer or shorter inputs per request`, 'invalid_request_error', 'request_too_large'));
    };
    const refuseSoon = () => {
      cut = setTimeout(refuse, 5_000);
      cut.unref();
    };
    if (over) refuseSoon();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = `over ${limit} bytes`;
        chunks.length = 0;
        refuseSoon();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (over ? refuse() : resolve(Buffer.concat(chunks, size).toString('utf8'))));
    req.on('error', reject);
  });
}

async function embeddings(req: IncomingMessage, res: ServerResponse, ctx: AppContext): Promise<void> {
  const started = performance.now();
  const { service } = ctx;
  if (ctx.draining()) {
    req.resume();
    throw unavailable('the server is shutting down', 'shutting_down', 5);
  }
  // Refuse before reading the body when nothing more fits: overload costs no memory.
  if (service.queue.full) {
    req.resume();
    service.queue.rejected++;
    throw unavailable(`the server is at capacity (${service.queue.capacity} texts queued or running); retry after the Retry-After delay`, 'queue_full', service.queue.retryAfterSeconds());
  }
  const body = await readBody(req, ctx.bodyLimitBytes, res);
  const info = ctx.modelInfo();
  if (!info) {
    // Not loaded yet: still answer a bad body with 400, a good one with 503.
    parseEmbeddingRequest(body, { maxInputs: ctx.maxInputs, modelDimensions: Number.MAX_SAFE_INTEGER, modelIds: ctx.modelIds });
    await service.embed([]); // throws the right 503 (loading, circuit open, failed)
    throw unavailable('the model is still loading; GET /health says when it is ready', 'model_loading', 1);
  }
  const request = parseEmbeddingRequest(body, { maxInputs: ctx.maxInputs, modelDimensions: info.dimensions, modelIds: ctx.modelIds });
  // A client that disconnects before its answer (a timeout, a load generator that stopped) takes
  // its waiting texts with it: no one would read them, and they would delay everyone after.
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.once('close', onClose);
  let result: EmbedResult;
  try {
    result = await service.embed(request.texts, gone.signal);
  } catch (err) {
    if (gone.signal.aborted) return; // nobody to answer
    throw err;
  } finally {
    res.off('close', onClose);
  }
  // JSON has no NaN: it would leave as null, a vector no client can tell from a bug of its own.
  const nonFinite = result.vectors.findIndex((v) => v.some((x) => !Number.isFinite(x)));
  if (nonFinite >= 0) throw new ApiError(500, `the model returned NaN or Inf values for input[${nonFinite}]; its weights may be corrupt (GET /health names the model file)`, 'server_error', 'non_finite_embedding', `input[${nonFinite}]`);
  const promptTokens = result.tokens.reduce((a, b) => a + b, 0);
  const data = result.vectors.map((v, index) => ({ object: 'embedding', index, embedding: encode(shape(v, request), request) }));
  const headers: Record<string, string> = { 'x-embedgate-cache-hits': String(result.cacheHits) };
  if (result.truncated.length > 0) headers['x-embedgate-truncated'] = result.truncated.join(',');
  sendJson(res, 200, { object: 'list', data, model: ctx.modelIds[0], usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }, headers);
  const ms = performance.now() - started;
  ctx.metrics.latency.observe(ms / 1000);
  ctx.latency.recordMs(ms);
  ctx.metrics.batch.observe(request.texts.length);
  ctx.metrics.tokens.inc({}, promptTokens);
  ctx.metrics.embeddings.inc({}, request.texts.length);
  if (result.truncated.length > 0) ctx.metrics.truncated.inc({}, result.truncated.length);
}

/** Matryoshka truncation: the first n dimensions, re-normalised to unit length. */
export function shape(v: Float32Array, request: Pick<EmbeddingRequest, 'dimensions'>): Float32Array {
  if (request.dimensions === undefined || request.dimensions >= v.length) return v;
  const cut = v.slice(0, request.dimensions);
  let sum = 0;
  for (const x of cut) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < cut.length; i++) cut[i]! /= norm;
  return cut;
}

function encode(v: Float32Array, request: Pick<EmbeddingRequest, 'encoding'>): number[] | string {
  // base64 is the little-endian float32 bytes, as OpenAI sends them (x86 and ARM are little-endian).
  if (request.encoding === 'base64') return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return Array.from(v);
}

function models(_req: IncomingMessage, res: ServerResponse, ctx: AppContext): void {
  const info = ctx.modelInfo();
  sendJson(res, 200, {
    object: 'list',
    data: [
      {
        id: ctx.modelIds[0],
        object: 'model',
        created: Math.floor(ctx.startedAt / 1000),
        owned_by: 'embedgate',
        // embedgate extensions: what an http target needs to describe the model.
        ...(info
          ? { dimensions: info.dimensions, context_length: info.contextLength, sha256: info.sha256, architecture: info.architecture, pooling: info.pooling, quantization: info.quantization, file_size: info.fileSize }
          : {}),
        overflow: ctx.overflow,
        aliases: ctx.modelIds.slice(1),
      },
    ],
  });
}

function health(_req: IncomingMessage, res: ServerResponse, ctx: AppContext): void {
  const { supervisor, queue } = ctx.service;
  const ready = supervisor.state === 'ready' && !ctx.draining();
  const status = ctx.draining() ? 'draining' : supervisor.state;
  const cache = ctx.service.cache?.snapshot();
  const lookups = cache ? cache.hits + cache.misses : 0;
  sendJson(
    res,
    ready ? 200 : 503,
    {
      status,
      ready,
      model: ctx.modelIds[0],
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
      worker: {
        pid: supervisor.current?.pid ?? null,
        restarts: supervisor.restarts,
        crashes: supervisor.crashes,
        lastCrash: supervisor.lastCrash ?? null,
        contexts: ctx.modelInfo()?.contexts ?? null,
        threads: ctx.modelInfo()?.threads ?? null,
      },
      queue: { depth: queue.depth, inFlight: queue.inFlight, capacity: queue.capacity, rejected: queue.rejected, cancelled: queue.cancelled },
      cache: cache ? { ...cache, hitRate: lookups > 0 ? cache.hits / lookups : null } : null,
      latencyMs: ctx.latency.count > 0 ? { p50: ctx.latency.percentileMs(50), p95: ctx.latency.percentileMs(95), p99: ctx.latency.percentileMs(99), count: ctx.latency.count } : null,
      ...ctx.extraHealth?.(),
    },
    ready ? {} : { 'retry-after': String(supervisor.retryAfterSeconds()) },
  );
}

/** Fault injection, only with serve --fault-injection: `?count=N` cache entries corrupted in place. */
function corruptCache(req: IncomingMessage, res: ServerResponse, ctx: AppContext): void {
  req.resume();
  const count = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('count') ?? '1');
  if (!Number.isInteger(count) || count < 1) throw new ApiError(400, `count must be a whole number >= 1, got ${count}`, 'invalid_request_error', 'bad_count');
  const cache = ctx.service.cache;
  sendJson(res, 200, { corrupted: cache ? cache.corruptRecent(count) : 0, entries: cache?.snapshot().entries ?? 0, cache: cache ? 'on' : 'off' });
}

function metrics(_req: IncomingMessage, res: ServerResponse, ctx: AppContext): void {
  const text = ctx.metrics.registry.expose();
  res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
