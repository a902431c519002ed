// `embedgate serve`: the gguf embedder behind an OpenAI-compatible HTTP server. Assembles the
// parts (supervisor → queue → cache → service → HTTP) and owns startup and graceful shutdown.
// The server listens before the model is loaded: /health answers 503 "starting" until it is.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { LatencyHistogram } from '../metrics/latency.ts';
import type { ResolvedModel } from '../plan.ts';
import type { ModelInfo } from '../result.ts';
import type { GgufTargetOptions } from '../targets/gguf/target.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { EmbedQueue, type EmbedBackend } from './embed-queue.ts';
import { EmbedService } from './embed-service.ts';
import { openCheckedTarget } from './open-checked.ts';
import { createHandler } from './http-app.ts';
import { createServerMetrics, type ServerMetrics } from './server-metrics.ts';
import { WorkerSupervisor, type SupervisorOptions } from './worker-supervisor.ts';

export interface ServerOptions {
  model: ResolvedModel;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** contexts, threads, overflow, contextSize, readyTimeoutMs, skipPreflight. */
  target?: Omit<GgufTargetOptions, 'onLog' | 'ref'>;
  /** Most texts admitted at once (waiting + in flight); more gets 503. Default 1024. */
  queueCapacity?: number;
  /** Texts in the worker at once; default 2 per context. */
  window?: number;
  /** Refill the worker's window once this many texts or fewer are in it; default 1 per context (see EmbedQueue). */
  refillAt?: number;
  /** Most inputs per request. Default 2048 (OpenAI's limit). */
  maxInputs?: number;
  /** Default 8 MiB. */
  bodyLimitBytes?: number;
  /** Cache size in bytes; 0 disables the cache. Default 64 MiB. */
  cacheBytes?: number;
  /** Put before every input text; part of the cache key. Default none (clients send prefixed text). */
  prefix?: string;
  supervisor?: Omit<SupervisorOptions, 'open' | 'onLog'>;
  /** Answer POST /debug/faults/* (fault suites corrupt cache entries through it). Default off. */
  faultInjection?: boolean;
  /** Check cache entries' CRC on read. Default on; only a test turns it off. */
  cacheChecksums?: boolean;
  /** How long shutdown waits for requests in flight. Default 10 s. */
  drainTimeoutMs?: number;
  onLog?: (line: string) => void;
  /** Another protocol on the same port and the same queue, cache and metrics (serve --mcp). */
  frontEnd?: (parts: FrontEndParts) => FrontEnd;
}

/** What a front end beside the HTTP API is given: the parts every request goes through. */
export interface FrontEndParts {
  model: ResolvedModel;
  service: EmbedService;
  metrics: ServerMetrics;
  modelIds: string[];
  modelInfo: () => ModelInfo | undefined;
  /** Resolves when the first worker is ready. */
  ready: Promise<void>;
  url: string;
  overflow: 'error' | 'truncate';
  maxInputs: number;
  bodyLimitBytes: number;
  draining: () => boolean;
  onLog?: (line: string) => void;
}

export interface FrontEnd {
  /** Answers the request and returns true when it is on one of its paths; false leaves it to the HTTP API. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Merged into the GET /health body. */
  health?(): Record<string, unknown>;
  /** Called first on shutdown: close sessions and streams so the drain is not held open. */
  stop?(): Promise<void>;
  /** Resolves when the front end wants the server to stop (stdio: the client closed stdin), with why. */
  ended?: Promise<string>;
}

export interface EmbedServer {
  url: string;
  port: number;
  http: Server;
  service: EmbedService;
  supervisor: WorkerSupervisor;
  metrics: ServerMetrics;
  /** Resolves when the first worker is ready; rejects if the model cannot be loaded for good. */
  ready: Promise<void>;
  modelInfo(): ModelInfo | undefined;
  frontEnd?: FrontEnd;
  /** Stops accepting, lets requests in flight finish (up to drainTimeoutMs), stops the worker. */
  stop(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<EmbedServer> {
  const log = opts.onLog;
  let info: ModelInfo | undefined;
  const supervisor = new WorkerSupervisor({
    ...opts.supervisor,
    open: () => openCheckedTarget(opts.model, { ...opts.target, ref: `serve:${opts.model.name}`, ...(log ? { onLog: log } : {}) }),
    ...(log ? { onLog: log } : {}),
  });
  const backend = (): EmbedBackend | undefined => {
    const target = supervisor.current;
    if (!target) return undefined;
    return (texts) => target.embedEach(texts);
  };
  const contexts = opts.target?.contexts;
  const queue = new EmbedQueue(backend, { capacity: opts.queueCapacity ?? 1024, window: opts.window ?? 2 * (contexts ?? 4), refillAt: opts.refillAt ?? contexts ?? 4 });
  const service = new EmbedService(supervisor, queue, undefined, opts.prefix ?? '');
  const metrics = createServerMetrics(service);
  const modelIds = [...new Set([opts.model.name, basename(opts.model.path), basename(opts.model.path).replace(/\.gguf$/i, '')])];
  let draining = false;
  let active = 0;
  let drained: (() => void) | undefined;
  let frontEnd: FrontEnd | undefined;
  const maxInputs = Math.min(opts.maxInputs ?? 2048, opts.queueCapacity ?? 1024);
  const bodyLimitBytes = opts.bodyLimitBytes ?? 8 * 1024 * 1024;
  const handler = createHandler({
    service,
    metrics,
    modelIds,
    modelInfo: () => info,
    overflow: opts.target?.overflow ?? 'error',
    // A request bigger than the queue could never be admitted: refuse it as too many inputs instead.
    maxInputs,
    bodyLimitBytes,
    draining: () => draining,
    startedAt: Date.now(),
    latency: new LatencyHistogram(),
    faultInjection: opts.faultInjection ?? false,
    extraHealth: () => frontEnd?.health?.() ?? {},
  });
  const http = createServer((req, res) => {
    active++;
    res.on('close', () => {
      if (--active === 0) drained?.();
    });
    if (frontEnd?.handle(req, res)) return;
    handler(req, res);
  });
  http.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const ready = supervisor.start().then((target) => {
    info = target.info();
    // The window follows the pool the worker really has (the thread policy may have chosen it).
    if (opts.window === undefined) queue.options.window = 2 * target.facts.contexts;
    if (opts.refillAt === undefined) queue.options.refillAt = target.facts.contexts;
    const cacheBytes = opts.cacheBytes ?? 64 * 1024 * 1024;
    if (cacheBytes > 0) service.cache = new EmbeddingCache(info.sha256, cacheBytes, opts.cacheChecksums ?? true);
    log?.(`serve: ${info.name} ready at ${url} (${info.dimensions} dims, ${target.facts.contexts} context(s) × ${target.facts.threads} thread(s), queue ${queue.capacity} texts)`);
  });
  ready.catch(() => {}); // the caller awaits it; the server keeps answering 503 meanwhile
  frontEnd = opts.frontEnd?.({ model: opts.model, service, metrics, modelIds, modelInfo: () => info, ready, url, overflow: opts.target?.overflow ?? 'error', maxInputs, bodyLimitBytes, draining: () => draining, ...(log ? { onLog: log } : {}) });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      draining = true;
      await frontEnd?.stop?.().catch(() => {});
      http.close();
      http.closeIdleConnections();
      if (active > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, opts.drainTimeoutMs ?? 10_000).unref();
        });
      }
      http.closeAllConnections();
      await supervisor.stop();
    })());

  return { url, port, http, service, supervisor, metrics, ready, modelInfo: () => info, ...(frontEnd ? { frontEnd } : {}), stop };
}
