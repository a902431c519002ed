// The one queue in front of the worker's pool of contexts. Admission is all-or-nothing per
// request and bounded in texts (waiting + in flight): a request that does not fit is refused at
// once with 503 and a Retry-After estimated from the recent completion rate, so memory does not
// grow with offered load. At most `window` texts are in the worker at a time, enough to keep
// every context busy while replies cross the IPC channel, so the worker's own queue stays short.
import { unavailable } from './api-error.ts';

export interface EmbedOutcome {
  vector: Float32Array;
  tokens: number;
  truncated: boolean;
}

/**
 * Sends texts to the worker in one message; the queue calls it with at most `window` texts
 * outstanding. One promise per text, settled when that text is done: an Error result fails only
 * that text (texts of several requests share a message); a rejection means the worker died.
 */
export type EmbedBackend = (texts: string[]) => Promise<EmbedOutcome | Error>[];

/** A worker error for one text, with the text it was about (an IPC message may carry several). */
export class TextFailure extends Error {
  constructor(
    readonly text: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

interface Job {
  text: string;
  resolve: (o: EmbedOutcome) => void;
  reject: (e: unknown) => void;
  /** Set when the client went away while the text waited: it is dropped, never embedded. */
  cancelled?: boolean;
  /** Handed to the worker: too late to cancel. */
  taken?: boolean;
}

/** The request's client went away before its text reached the worker. */
export class CancelledError extends Error {
  constructor() {
    super('the client closed the connection before its texts were embedded');
  }
}

export interface QueueOptions {
  /** Most texts admitted (waiting + in flight). */
  capacity: number;
  /** Most texts handed to the worker at once. */
  window: number;
  /**
   * Refill the window only once at most this many texts are in flight (default window - 1: at once).
   * With it at the worker's context count, texts wait here while every context is busy and has one
   * queued behind it, then go together: under load one IPC message carries a context's worth of
   * work instead of one text, and the round trips saved are CPU the contexts get back on few cores.
   */
  refillAt?: number;
  /** Most texts per backend call (one IPC message). Default: the window. */
  maxBatch?: number;
}

export class EmbedQueue {
  private readonly waiting: Job[] = [];
  private head = 0;
  /** Cancelled jobs still in `waiting`: they no longer count towards depth or capacity. */
  private cancelledWaiting = 0;
  private inFlightCount = 0;
  /** Completions per second over the last full window of ≥ 1 s; seeds the Retry-After estimate. */
  private rate = 0;
  private windowStart = performance.now();
  private windowCount = 0;
  rejected = 0;
  completed = 0;
  /** Texts dropped unembedded because their client went away. */
  cancelled = 0;

  constructor(
    private readonly backend: () => EmbedBackend | undefined,
    readonly options: QueueOptions,
  ) {}

  get depth(): number {
    return this.waiting.length - this.head - this.cancelledWaiting;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  /** True when not even one more text would be admitted. */
  get full(): boolean {
    return this.depth + this.inFlightCount >= this.options.capacity;
  }

  retryAfterSeconds(): number {
    const backlog = this.depth + this.inFlightCount;
    return this.rate > 0 ? Math.max(1, Math.ceil(backlog / this.rate)) : 1;
  }

  /**
   * Admits all texts or none; resolves with one outcome per text, in order. Aborting `signal` (the
   * client disconnected) drops the texts still waiting, so a load generator that stops, or a client
   * that times out, does not leave work behind that would slow down whoever comes next.
   */
  submit(texts: string[], signal?: AbortSignal): Promise<EmbedOutcome[]> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.depth + this.inFlightCount + texts.length > this.options.capacity) {
      this.rejected++;
      const free = Math.max(0, this.options.capacity - this.depth - this.inFlightCount);
      return Promise.reject(
        unavailable(`the server is at capacity (${this.depth + this.inFlightCount} of ${this.options.capacity} texts queued or running, this request adds ${texts.length}, ${free} free); retry after the Retry-After delay`, 'queue_full', this.retryAfterSeconds()),
      );
    }
    const jobs: Job[] = [];
    const all = texts.map((text) => new Promise<EmbedOutcome>((resolve, reject) => jobs.push({ text, resolve, reject })));
    this.waiting.push(...jobs);
    signal?.addEventListener('abort', () => this.cancel(jobs), { once: true });
    this.pump();
    return Promise.all(all);
  }

  /** Rejects every waiting text (the worker died; in-flight ones are rejected by the worker). */
  failWaiting(err: unknown): void {
    const jobs = this.waiting.slice(this.head).filter((j) => !j.cancelled);
    this.waiting.length = 0;
    this.head = 0;
    this.cancelledWaiting = 0;
    for (const j of jobs) j.reject(err);
  }

  private cancel(jobs: Job[]): void {
    const error = new CancelledError();
    // Only jobs still waiting: taken ones are in the worker (or done) and settle on their own.
    for (const j of jobs) {
      if (j.cancelled || j.taken) continue;
      j.cancelled = true;
      this.cancelledWaiting++;
      this.cancelled++;
      j.reject(error);
    }
  }

  private take(n: number): Job[] {
    const jobs: Job[] = [];
    while (jobs.length < n && this.head < this.waiting.length) {
      const j = this.waiting[this.head++]!;
      if (j.cancelled) this.cancelledWaiting--;
      else {
        j.taken = true;
        jobs.push(j);
      }
    }
    // Compact now and then instead of shift()ing, which is O(n) per call.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return jobs;
  }

  private pump(): void {
    const maxBatch = this.options.maxBatch ?? this.options.window;
    if (this.inFlightCount > (this.options.refillAt ?? this.options.window - 1)) return;
    while (this.inFlightCount < this.options.window && this.depth > 0) {
      const backend = this.backend();
      const jobs = this.take(Math.min(maxBatch, this.options.window - this.inFlightCount));
      if (jobs.length === 0) break;
      if (!backend) {
        const err = unavailable('the embedding worker is not running', 'worker_unavailable', 1);
        for (const j of jobs) j.reject(err);
        continue;
      }
      this.inFlightCount += jobs.length;
      backend(jobs.map((j) => j.text)).forEach((result, i) => {
        const j = jobs[i]!;
        result.then(
          (o) => {
            if (o instanceof Error) j.reject(new TextFailure(j.text, o));
            else j.resolve(o);
            this.finished(1);
          },
          (err: unknown) => {
            j.reject(new TextFailure(j.text, err));
            this.finished(1);
          },
        );
      });
    }
  }

  private finished(n: number): void {
    this.inFlightCount -= n;
    this.completed += n;
    const now = performance.now();
    this.windowCount += n;
    if (now - this.windowStart >= 1000) {
      this.rate = (this.windowCount * 1000) / (now - this.windowStart);
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.pump();
  }
}
