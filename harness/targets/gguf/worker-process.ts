// The harness side of the worker process: spawn, wait for ready, match replies to requests, and
// turn every way the child can die into a prompt, typed rejection. Never loads node-llama-cpp.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EmbedError, ModelLoadError } from './errors.ts';
import type { WorkerConfig, WorkerFacts, WorkerMessage, WorkerRequest } from './protocol.ts';

const WORKER_FILE = fileURLToPath(new URL('./worker.ts', import.meta.url));
// Resolved here, not by the child, so the worker starts whatever the caller's cwd is.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const STDERR_TAIL_BYTES = 16 * 1024;

export interface StartOptions {
  readyTimeoutMs: number;
  onLog?: (line: string) => void;
  /** The worker's environment; default this process's. Each worker gets its own: never set on process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface EmbedReply {
  vectors: Float32Array[];
  /** Indexes of texts that were cut to the context (overflow: 'truncate'). */
  truncated: number[];
  /** Tokens each text was evaluated as, BOS/EOS included (after truncation). */
  tokens: number[];
}

/** A text's vector, or why it has none. */
export type TextOutcome = { vector: Float32Array; tokens: number; truncated: boolean } | EmbedError;

// One exit hook for all workers: a harness that exits (even on an uncaught error) kills them.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** The line most likely to explain a crash: an assert, an error, or else the last line. */
export function crashLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const telling = lines.filter((l) => /GGML_ASSERT|assert|error|terminate|abort|segmentation/i.test(l));
  return (telling.at(-1) ?? lines.at(-1) ?? '').slice(0, 400);
}

export class WorkerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: WorkerMessage) => void; reject: (e: Error) => void }>();
  /** embedEach calls still waiting for some of their per-text 'item' messages. */
  private readonly streams = new Map<number, { slots: { resolve: (o: TextOutcome) => void; reject: (e: Error) => void }[]; remaining: number }>();
  private stderrTail = '';
  private deathReason: string | undefined;
  /** Settles once the child is gone, however it went. */
  readonly exited: Promise<void>;
  facts!: WorkerFacts;

  private constructor(
    private readonly child: ChildProcess,
    private readonly modelPath: string,
    onLog: ((line: string) => void) | undefined,
  ) {
    live.add(child);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
      if (onLog) for (const line of text.split('\n')) if (line.trim()) onLog(line);
    };
    child.stderr?.on('data', collect);
    child.stdout?.on('data', collect);
    child.on('message', (m: WorkerMessage) => this.onMessage(m));
    // Spawn or channel errors: without a listener they would be thrown in the harness. 'close' follows.
    child.on('error', (err) => {
      this.stderrTail = `${this.stderrTail}\nworker process error: ${err.message}`.slice(-STDERR_TAIL_BYTES);
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        live.delete(child);
        const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
        const line = crashLine(this.stderrTail);
        this.deathReason = `the embedding worker for ${modelPath} ${how}${line ? `: ${line}` : ''}`;
        const err = new EmbedError('worker-died', `${this.deathReason}; reopen the target to continue`);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        for (const id of [...this.streams.keys()]) this.failStream(id, err);
        resolve();
      });
    });
  }

  static async start(config: WorkerConfig, opts: StartOptions): Promise<WorkerProcess> {
    const uvPool = Math.max(4, config.contexts + 2);
    const env = opts.env ?? process.env;
    let child: ChildProcess;
    try {
      child = fork(WORKER_FILE, [JSON.stringify(config)], {
        execArgv: ['--import', TSX_LOADER],
        serialization: 'advanced',
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        // Each busy context holds one libuv thread while it evaluates; the default pool of 4 would cap the pool.
        env: { ...env, UV_THREADPOOL_SIZE: env.UV_THREADPOOL_SIZE ?? String(uvPool) },
      });
    } catch (err) {
      throw new ModelLoadError(config.modelPath, 'spawn', `cannot start the worker process (${String(err)})`, 'check that node and tsx are installed', { cause: err });
    }
    const worker = new WorkerProcess(child, config.modelPath, opts.onLog);
    worker.facts = await worker.waitReady(opts.readyTimeoutMs);
    return worker;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.deathReason === undefined;
  }

  /** Why the worker is gone (signal or exit code, and the telling stderr line); undefined while it runs. */
  get death(): string | undefined {
    return this.deathReason;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  async embed(texts: string[]): Promise<EmbedReply> {
    const m = await this.request({ type: 'embed', texts });
    if (m.type !== 'result') throw new EmbedError('embed-failed', `unexpected reply ${m.type} to embed`);
    return { vectors: m.vectors, truncated: m.truncated, tokens: m.tokens };
  }

  /**
   * One message for all texts, one promise per text, settled as soon as that text is done: a
   * failing text resolves to its EmbedError and leaves the others alone; all reject if the worker dies.
   */
  embedEach(texts: string[]): Promise<TextOutcome>[] {
    if (!this.alive) return texts.map(() => Promise.reject(new EmbedError('worker-died', `${this.deathReason}; reopen the target to continue`)));
    const id = this.nextId++;
    const slots = texts.map(() => {
      let settle!: { resolve: (o: TextOutcome) => void; reject: (e: Error) => void };
      const promise = new Promise<TextOutcome>((resolve, reject) => (settle = { resolve, reject }));
      return { promise, ...settle };
    });
    this.streams.set(id, { slots, remaining: texts.length });
    this.child.send({ type: 'embed', id, texts, each: true } satisfies WorkerRequest, (err) => {
      if (err) this.failStream(id, new EmbedError('worker-died', `cannot reach the embedding worker for ${this.modelPath}: ${err.message}`));
    });
    return slots.map((s) => s.promise);
  }

  async info(): Promise<WorkerFacts> {
    const m = await this.request({ type: 'info' });
    if (m.type !== 'info') throw new EmbedError('embed-failed', `unexpected reply ${m.type} to info`);
    return m.facts;
  }

  /** Asks the worker to free its model and exit; SIGKILL after graceMs. Resolves once it is gone. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.alive) return this.exited;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    this.request({ type: 'shutdown' }).catch(() => {});
    await this.exited;
    clearTimeout(timer);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child.kill(signal);
  }

  private request(req: WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never): Promise<WorkerMessage> {
    if (!this.alive) return Promise.reject(new EmbedError('worker-died', `${this.deathReason}; reopen the target to continue`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // send can fail if the channel closed between the alive check and now; exit will reject us too.
      this.child.send({ ...req, id } as WorkerRequest, (err) => {
        if (err && this.pending.delete(id)) reject(new EmbedError('worker-died', `cannot reach the embedding worker for ${this.modelPath}: ${err.message}`));
      });
    });
  }

  /** Rejects the texts of one embedEach call that have no outcome yet (settled promises ignore it). */
  private failStream(id: number, err: Error): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    for (const slot of stream.slots) slot.reject(err);
  }

  private onMessage(m: WorkerMessage): void {
    if (m.type === 'ready' || m.type === 'load-failed') return; // handled by waitReady
    if (m.type === 'item') {
      const stream = this.streams.get(m.id);
      const slot = stream?.slots[m.index];
      if (!stream || !slot) return;
      const item = m.item;
      slot.resolve('error' in item ? new EmbedError(item.error.code, `${this.modelPath}: ${item.error.message}`, item.error.index) : item);
      if (--stream.remaining === 0) this.streams.delete(m.id);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'error') p.reject(new EmbedError(m.error.code, `${this.modelPath}: ${m.error.message}`, m.error.index));
    else p.resolve(m);
  }

  private waitReady(timeoutMs: number): Promise<WorkerFacts> {
    const path = this.modelPath;
    return new Promise<WorkerFacts>((resolve, reject) => {
      let loadFailure: string | undefined;
      let timedOut = false;
      const done = () => {
        clearTimeout(timer);
        this.child.off('message', onMsg);
        this.child.off('close', onExit);
      };
      const onMsg = (m: WorkerMessage) => {
        if (m.type === 'ready') {
          done();
          resolve(m.facts);
        } else if (m.type === 'load-failed') {
          loadFailure = m.message; // the worker exits next; reject on exit, with its stderr
        }
      };
      // Every failure is reported from here, once the child is gone: no caller sees an error while it still runs.
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        const tail = this.stderrTail;
        const line = crashLine(tail);
        const details = { ...(signal ? { signal } : {}), ...(code !== null ? { exitCode: code } : {}), stderrTail: tail, ...(this.child.pid ? { pid: this.child.pid } : {}) };
        if (timedOut) {
          reject(new ModelLoadError(path, 'timeout', `the worker was not ready after ${timeoutMs} ms and was killed`, 'a large model on a slow disk needs longer: raise readyTimeoutMs, or check free memory', details));
        } else if (loadFailure !== undefined) {
          reject(new ModelLoadError(path, 'load', `llama.cpp refused the model: ${loadFailure}${line ? ` (${line})` : ''}`, 'check that the file is a complete GGUF embedding model of an architecture this llama.cpp supports', details));
        } else {
          const how = signal ? `aborted (${signal})` : `exited with code ${code}`;
          reject(new ModelLoadError(path, 'abort', `the worker ${how} while loading${line ? `: ${line}` : ' with no output'}`, 'llama.cpp crashed on this file; run the preflight check (do not skip it) or regenerate / re-download the model', details));
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.child.on('message', onMsg);
      this.child.on('close', onExit);
    });
  }
}
