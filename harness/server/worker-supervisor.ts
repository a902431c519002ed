// Keeps one gguf target (one worker process) alive for the server. A worker that dies is
// restarted with exponential backoff; crashes that come too often open a circuit breaker, which
// keeps the server answering 503 at once (instead of crash-looping llama.cpp) until a cooldown
// passes and one trial start is allowed (half-open). A load failure no restart can fix (the
// preflight refused the file, a wrong checksum, bad options) stops the supervisor for good.
import { ModelLoadError, type GgufTarget } from '../targets/gguf/target.ts';

export type WorkerState = 'starting' | 'ready' | 'restarting' | 'circuit-open' | 'failed' | 'stopped';

export interface SupervisorOptions {
  /** Opens a fresh target; called for the first start and every restart. */
  open: () => Promise<GgufTarget>;
  /** First restart delay; doubles with each consecutive failure. Default 250 ms. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** This many crashes within windowMs open the breaker. Default 3 in 60 s. */
  maxCrashes?: number;
  windowMs?: number;
  /** How long the breaker stays open before one trial start. Default 30 s. */
  cooldownMs?: number;
  /** Test only: a file refused at a restart stops the supervisor for good, as at the first start (a server that never recovers). */
  refusedFileIsFinal?: boolean;
  onLog?: (line: string) => void;
}

/**
 * Load failures caused by the file or the options, not by a crash: retrying cannot help. 'load' is
 * llama.cpp refusing the file without crashing (or a model that loads but embeds NaN): the same
 * file is refused again, so serve exits with the reason instead of opening the circuit forever.
 */
const PERMANENT_STAGES = new Set(['preflight', 'checksum', 'options', 'load']);

export class WorkerSupervisor {
  private target: GgufTarget | undefined;
  private stateValue: WorkerState = 'starting';
  private crashTimes: number[] = [];
  /** A worker was ready once: a refused file is then a changed file, not a bad configuration. */
  private readyOnce = false;
  private consecutiveFailures = 0;
  private timer: NodeJS.Timeout | undefined;
  /** When the next start attempt is due (ms since epoch), for Retry-After. */
  private nextAttemptAt = 0;
  private readonly downListeners: ((reason: string) => void)[] = [];
  private readonly readyWaiters: { resolve: (t: GgufTarget) => void; reject: (e: Error) => void }[] = [];
  restarts = 0;
  crashes = 0;
  lastCrash: string | undefined;
  failure: Error | undefined;
  private readonly o: Required<Omit<SupervisorOptions, 'onLog'>> & Pick<SupervisorOptions, 'onLog'>;

  constructor(options: SupervisorOptions) {
    this.o = { backoffBaseMs: 250, backoffMaxMs: 10_000, maxCrashes: 3, windowMs: 60_000, cooldownMs: 30_000, refusedFileIsFinal: false, ...options };
  }

  get state(): WorkerState {
    return this.stateValue;
  }

  /** The live target, only while the state is ready. */
  get current(): GgufTarget | undefined {
    return this.stateValue === 'ready' ? this.target : undefined;
  }

  /** Called with the reason whenever a running worker dies (not on stop). */
  onDown(listener: (reason: string) => void): void {
    this.downListeners.push(listener);
  }

  /** Starts the first worker. Resolves once one is ready; rejects if loading failed for good or the supervisor stopped. */
  start(): Promise<GgufTarget> {
    const ready = this.whenReady();
    void this.attempt();
    return ready;
  }

  whenReady(): Promise<GgufTarget> {
    if (this.stateValue === 'ready' && this.target) return Promise.resolve(this.target);
    if (this.stateValue === 'failed' || this.stateValue === 'stopped') return Promise.reject(this.failure ?? new Error('the worker supervisor is stopped'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Seconds a client should wait before retrying, given the state. */
  retryAfterSeconds(): number {
    if (this.stateValue === 'ready') return 1;
    return Math.max(1, Math.ceil((this.nextAttemptAt - Date.now()) / 1000) + 1);
  }

  async stop(): Promise<void> {
    this.stateValue = 'stopped';
    clearTimeout(this.timer);
    this.settleWaiters(new Error('the server is shutting down'));
    const t = this.target;
    this.target = undefined;
    await t?.close();
  }

  private async attempt(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    let target: GgufTarget;
    try {
      target = await this.o.open();
    } catch (err) {
      if ((this.stateValue as WorkerState) === 'stopped') return;
      if (err instanceof ModelLoadError && PERMANENT_STAGES.has(err.stage)) {
        // At a restart the file changed under a running service (a bad deploy, a damaged disk):
        // refuse it, keep answering 503 with the reason, and try again after the cooldown, when
        // the file may be restored. Only a first start that fails gives up for good.
        if (this.readyOnce && !this.o.refusedFileIsFinal) return this.crashed(err.message, true);
        this.stateValue = 'failed';
        this.failure = err;
        this.o.onLog?.(`worker: ${err.message}`);
        this.settleWaiters(err);
        return;
      }
      this.crashed(err instanceof Error ? err.message : String(err));
      return;
    }
    if ((this.stateValue as WorkerState) === 'stopped') {
      await target.close();
      return;
    }
    this.target = target;
    this.stateValue = 'ready';
    this.readyOnce = true;
    this.consecutiveFailures = 0;
    this.o.onLog?.(`worker: ready (pid ${target.pid})`);
    for (const w of this.readyWaiters.splice(0)) w.resolve(target);
    void target.exited.then(() => {
      if (this.target !== target || (this.stateValue as WorkerState) === 'stopped') return;
      this.target = undefined;
      const reason = target.death ?? 'the worker exited';
      for (const l of this.downListeners) l(reason);
      this.crashed(reason);
    });
  }

  private crashed(reason: string, openNow = false): void {
    const now = Date.now();
    this.crashes++;
    this.lastCrash = reason;
    this.consecutiveFailures++;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.o.windowMs), now];
    let delay: number;
    if (openNow || this.crashTimes.length >= this.o.maxCrashes) {
      this.stateValue = 'circuit-open';
      delay = this.o.cooldownMs;
      this.crashTimes = []; // the half-open trial starts a fresh window
      this.o.onLog?.(`worker: ${openNow ? 'the model was refused at restart' : `${this.o.maxCrashes} crashes within ${this.o.windowMs} ms`}, circuit open for ${delay} ms; last: ${reason}`);
    } else {
      this.stateValue = 'restarting';
      delay = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** (this.consecutiveFailures - 1));
      this.o.onLog?.(`worker: down (${reason}); restarting in ${delay} ms`);
    }
    this.nextAttemptAt = now + delay;
    this.timer = setTimeout(() => {
      this.stateValue = 'restarting'; // after a cooldown: the half-open trial
      this.restarts++;
      void this.attempt();
    }, delay);
    this.timer.unref();
  }

  private settleWaiters(err: Error): void {
    for (const w of this.readyWaiters.splice(0)) w.reject(err);
  }
}
