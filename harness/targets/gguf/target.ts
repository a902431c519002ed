// The gguf target: a GGUF embedding model served by a worker process (see worker.ts for why a
// process). Opening it checks the file first, so a bad model becomes a ModelLoadError with a
// reason and a fix instead of a llama.cpp abort. It has every capability: embed, model facts,
// an `embedgate serve` of its own to drive over HTTP, its worker's pid, copies with their own
// settings, the in-process ceiling, and restart.
import { stat } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import { basename } from 'node:path';
import { formatBytes } from '../../format.ts';
import { checkGgufFile, GgufFileError, sha256File, type GgufSummary } from '../../gguf/check.ts';
import type { ResolvedModel } from '../../plan.ts';
import { heapProbeEnv } from '../../probes/heap-probe-env.ts';
import type { ModelInfo, TargetDescription } from '../../result.ts';
import type { CeilingOptions, CeilingResult, CopySettings, EmbeddingTarget, HttpEndpoint, HttpServeParams, Target, TargetProcesses } from '../target.ts';
import { measureCeiling } from './ceiling.ts';
import { EmbedError, ModelLoadError } from './errors.ts';
import type { OverflowPolicy, WorkerConfig, WorkerFacts } from './protocol.ts';
import { ServeProcess } from './serve-process.ts';
import { chooseThreads, type ThreadChoice } from './threads.ts';
import { WorkerProcess, type EmbedReply, type StartOptions, type TextOutcome } from './worker-process.ts';

export { EmbedError, ModelLoadError } from './errors.ts';

export interface GgufTargetOptions {
  /** Threads per context. 'node-llama-cpp-default' leaves it to node-llama-cpp (for benchmarks only: it oversubscribes small machines). */
  threads?: number | 'node-llama-cpp-default';
  contexts?: number;
  /** Tokens per context, capped at the model's trained context. Default: the trained context, at most 8192. */
  contextSize?: number;
  /** Texts longer than the context: 'error' (default) rejects the call naming the text; 'truncate' keeps the first tokens. */
  overflow?: OverflowPolicy;
  /** Default 60 s, the plan's cold-start limit. */
  readyTimeoutMs?: number;
  /** Grace period for close() before SIGKILL. Default 3 s. */
  closeGraceMs?: number;
  onLog?: (line: string) => void;
  /** How the suite named the target, for describe(). Default "gguf:<model name>". */
  ref?: string;
  /** Tests only: hand the file to llama.cpp unchecked, to prove a crash in the worker is contained. */
  skipPreflight?: boolean;
  /** Preload the heap probe into the worker, writing to `dir` (memory suites). */
  heapProbe?: { dir: string; gcEveryMs?: number };
  /** The environment of the worker (and of servers this target starts); default this process's. */
  env?: NodeJS.ProcessEnv;
}

/** How a target was opened, kept to restart its worker and open copies and servers alike. */
interface OpenedAs {
  model: ResolvedModel;
  config: WorkerConfig;
  start: StartOptions;
  env: NodeJS.ProcessEnv | undefined;
  heapProbeDir: string | undefined;
  ref: string;
  closeGraceMs: number;
}

export class GgufTarget implements EmbeddingTarget, Required<Omit<Target, 'search' | 'drivePhase'>> {
  private closed = false;
  /** How many texts were cut to the context so far (overflow: 'truncate'). */
  truncatedTexts = 0;

  constructor(
    private worker: WorkerProcess,
    private readonly modelInfo: ModelInfo,
    readonly threadChoice: ThreadChoice,
    private readonly opened: OpenedAs,
  ) {}

  describe(): TargetDescription {
    return { ref: this.opened.ref, kind: 'gguf', model: this.modelInfo };
  }

  info(): ModelInfo {
    return this.modelInfo;
  }

  get facts(): WorkerFacts {
    return this.worker.facts;
  }

  /** Worker pid, for fault injection and memory probes. */
  get pid(): number | undefined {
    return this.worker.pid;
  }

  processes(): TargetProcesses {
    const pid = this.worker.pid;
    return {
      pids: pid !== undefined ? [pid] : [],
      ...(this.opened.heapProbeDir ? { heapProbeDir: this.opened.heapProbeDir } : {}),
      ...(this.worker.death ? { exit: this.worker.death } : {}),
    };
  }

  get alive(): boolean {
    return !this.closed && this.worker.alive;
  }

  /** Settles when the current worker process is gone: closed, crashed, killed or restarted. */
  get exited(): Promise<void> {
    return this.worker.exited;
  }

  /** Why the worker died (signal or exit code and its telling stderr line); undefined while it runs. */
  get death(): string | undefined {
    return this.worker.death;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts)).vectors;
  }

  /** embed, plus which texts were truncated. */
  async embedDetailed(texts: string[]): Promise<EmbedReply> {
    if (this.closed) throw new EmbedError('closed', `the gguf target for ${this.modelInfo.path} is closed`);
    if (texts.length === 0) return { vectors: [], truncated: [], tokens: [] };
    const reply = await this.worker.embed(texts);
    if (reply.vectors.length !== texts.length) {
      throw new EmbedError('embed-failed', `${this.modelInfo.path}: asked for ${texts.length} vectors, got ${reply.vectors.length}`);
    }
    this.truncatedTexts += reply.truncated.length;
    return reply;
  }

  /**
   * One promise per text, settled as soon as that text is done, each independent of the others:
   * for callers that batch texts of unrelated requests (embedgate serve), where one bad text must
   * fail only its own request and a short text must not wait for a long one.
   */
  embedEach(texts: string[]): Promise<TextOutcome>[] {
    if (this.closed) return texts.map(() => Promise.reject(new EmbedError('closed', `the gguf target for ${this.modelInfo.path} is closed`)));
    return this.worker.embedEach(texts).map((p) =>
      p.then((o) => {
        if (!(o instanceof EmbedError) && o.truncated) this.truncatedTexts++;
        return o;
      }),
    );
  }

  /** A dedicated `embedgate serve` child on loopback with the same pool of contexts. */
  async serveHttp(params: HttpServeParams): Promise<HttpEndpoint> {
    const serve = await ServeProcess.start({
      model: params.modelPath ?? this.modelInfo.path,
      contexts: this.facts.contexts,
      threads: this.facts.threads,
      ...(params.queue !== undefined ? { queue: params.queue } : {}),
      ...(params.cacheMb !== undefined ? { cacheMb: params.cacheMb } : {}),
      overflow: params.overflow ?? 'truncate',
      ...(params.gcEveryMs !== undefined ? { gcEveryMs: params.gcEveryMs } : {}),
      ...(params.onLog ? { onLog: params.onLog } : {}),
      ...(params.serveArgs ? { extraArgs: params.serveArgs } : {}),
      ...(this.opened.env ? { env: this.opened.env } : {}),
    });
    return {
      url: serve.url,
      modelId: basename(params.modelPath ?? this.modelInfo.path),
      processes: { pids: [serve.pid], heapProbeDir: serve.heapProbeDir },
      server: serve,
      close: () => serve.stop(),
    };
  }

  /** A fresh worker of the same model and pool with its own settings; the checksum was verified when this one opened. */
  openCopy(settings: CopySettings): Promise<GgufTarget> {
    const { name, path, queryPrefix, documentPrefix, source } = this.opened.model;
    return openGgufTarget({ name, path, queryPrefix, documentPrefix, source }, {
      contexts: this.facts.contexts,
      threads: this.facts.threads,
      overflow: settings.overflow ?? this.opened.config.overflow,
      ...(settings.heapProbe ? { heapProbe: settings.heapProbe } : {}),
      ...(settings.onLog ? { onLog: settings.onLog } : {}),
      ...(this.opened.env ? { env: this.opened.env } : {}),
    });
  }

  measureCeiling(texts: readonly string[], opts: CeilingOptions): Promise<CeilingResult> {
    return measureCeiling(this, texts, opts);
  }

  /** Shuts the worker down (SIGKILL after the close grace) and starts a new one with the same settings. */
  async restart(): Promise<void> {
    if (this.closed) throw new EmbedError('closed', `the gguf target for ${this.modelInfo.path} is closed`);
    await this.worker.shutdown(this.opened.closeGraceMs);
    const worker = await WorkerProcess.start(this.opened.config, this.opened.start);
    if (this.closed) {
      await worker.shutdown(0);
      throw new EmbedError('closed', `the gguf target for ${this.modelInfo.path} was closed while it restarted`);
    }
    this.worker = worker;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker.shutdown(this.opened.closeGraceMs);
  }
}

async function preflight(model: ResolvedModel, onLog?: (line: string) => void): Promise<GgufSummary> {
  let summary: GgufSummary;
  try {
    summary = await checkGgufFile(model.path);
  } catch (err) {
    if (err instanceof GgufFileError) {
      const where = err.offset === undefined ? '' : ` (at byte ${err.offset})`;
      throw new ModelLoadError(model.path, 'preflight', `${err.reason}${where}`, `${err.hint} (model "${model.name}" from ${model.source})`, { cause: err });
    }
    throw err;
  }
  // mmap lets a model exceed free memory, but not the machine's memory without thrashing.
  if (summary.fileSize > totalmem()) {
    throw new ModelLoadError(model.path, 'preflight', `the file is ${formatBytes(summary.fileSize)} but the machine has ${formatBytes(totalmem())} of memory`, 'use a smaller quantization or a bigger machine');
  }
  if (summary.fileSize > freemem()) onLog?.(`warning: ${model.path} is ${formatBytes(summary.fileSize)}, free memory is ${formatBytes(freemem())}; loading may swap`);
  return summary;
}

async function verifyChecksum(model: ResolvedModel, sha256: Promise<string>): Promise<void> {
  const actual = await sha256;
  if (model.expectedSha256 && actual.toLowerCase() !== model.expectedSha256.toLowerCase()) {
    throw new ModelLoadError(
      model.path,
      'checksum',
      `sha256 is ${actual}, ${model.source} expects ${model.expectedSha256}`,
      model.fixture ? 'delete the file and run `npm run fixtures` to regenerate it' : 'the file changed or is corrupt: re-download it, or update the expected sha256 if the change is intended',
    );
  }
}

export async function openGgufTarget(model: ResolvedModel, opts: GgufTargetOptions = {}): Promise<GgufTarget> {
  const summary = opts.skipPreflight ? undefined : await preflight(model, opts.onLog);
  const sha256 = sha256File(model.path);
  sha256.catch(() => {}); // awaited below; avoid an unhandled rejection if the worker fails first
  // Verify before llama.cpp sees the file when a checksum is known; otherwise hash while it loads.
  if (model.expectedSha256) await verifyChecksum(model, sha256);

  let choice: ThreadChoice;
  try {
    const numeric = typeof opts.threads === 'number' ? { threads: opts.threads } : {};
    choice = chooseThreads({ ...(summary ? { modelBytes: summary.fileSize } : {}), options: { ...numeric, ...(opts.contexts !== undefined ? { contexts: opts.contexts } : {}) } });
  } catch (err) {
    throw new ModelLoadError(model.path, 'options', (err as Error).message, 'fix the thread settings', { cause: err });
  }
  opts.onLog?.(`gguf ${model.name}: ${choice.contexts} context(s) × ${opts.threads === 'node-llama-cpp-default' ? 'default' : choice.threads} thread(s): ${choice.reason}`);

  const config: WorkerConfig = {
    modelPath: model.path,
    contexts: choice.contexts,
    ...(opts.threads === 'node-llama-cpp-default' ? {} : { threads: choice.threads }),
    ...(opts.contextSize !== undefined ? { contextSize: opts.contextSize } : {}),
    overflow: opts.overflow ?? 'error',
  };
  const env = opts.heapProbe ? heapProbeEnv(opts.heapProbe.dir, opts.env ?? process.env, opts.heapProbe.gcEveryMs) : opts.env;
  const start: StartOptions = { readyTimeoutMs: opts.readyTimeoutMs ?? 60_000, ...(opts.onLog ? { onLog: opts.onLog } : {}), ...(env ? { env } : {}) };
  const worker = await WorkerProcess.start(config, start);
  let digest: string;
  try {
    digest = await sha256;
  } catch (err) {
    await worker.shutdown(0);
    throw new ModelLoadError(model.path, 'checksum', `cannot hash the file (${String(err)})`, 'check that the file is readable', { cause: err });
  }
  const f = worker.facts;
  if (summary && summary.dimensions !== f.dimensions) {
    opts.onLog?.(`warning: ${model.path}: metadata embedding_length ${summary.dimensions}, llama.cpp returns ${f.dimensions}-dim vectors`);
  }
  const info: ModelInfo = {
    name: model.name,
    path: model.path,
    sha256: digest,
    fileSize: summary?.fileSize ?? (await stat(model.path)).size,
    architecture: summary?.architecture ?? f.architecture,
    // The vectors callers get are llama.cpp's: their length is the truth for dimensions.
    dimensions: f.dimensions,
    pooling: summary?.pooling ?? f.pooling,
    contextLength: summary?.contextLength || f.trainContextSize,
    layers: summary?.layers ?? f.layers ?? 0,
    quantization: summary?.quantization ?? f.quantization ?? 'unknown',
    queryPrefix: model.queryPrefix,
    documentPrefix: model.documentPrefix,
    threads: f.threads,
    contexts: f.contexts,
  };
  return new GgufTarget(worker, info, choice, {
    model,
    config,
    start,
    env: opts.env,
    heapProbeDir: opts.heapProbe?.dir,
    ref: opts.ref ?? `gguf:${model.name}`,
    closeGraceMs: opts.closeGraceMs ?? 3000,
  });
}
