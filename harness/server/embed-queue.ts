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

/** Sends texts to the worker; the queue calls it with at most `window` texts outstanding. */
export type EmbedBackend = (texts: string[]) => Promise<EmbedOutcome[]>;

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
}

export interface QueueOptions {
  /** Most texts admitted (waiting + in flight). */
  capacity: number;
  /** Most texts handed to the worker at once. */
  window: number;
  /** Most texts per IPC message; a bigger batch saves messages, a smaller one keeps latency fair. */
  maxBatch?: number;
}

export class EmbedQueue {
  private readonly waiting: Job[] = [];
  private head = 0;
  private inFlightCount = 0;
  /** Completions per second over the last full window of ≥ 1 s; seeds the Retry-After estimate. */
  private rate = 0;
  private windowStart = performance.now();
  private windowCount = 0;
  rejected = 0;
  completed = 0;

  constructor(
    private readonly backend: () => EmbedBackend | undefined,
    readonly options: QueueOptions,
  ) {}

  get depth(): number {
    return this.waiting.length - this.head;
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

  /** Admits all texts or none; resolves with one outcome per text, in order. */
  submit(texts: string[]): Promise<EmbedOutcome[]> {
    if (this.depth + this.inFlightCount + texts.length > this.options.capacity) {
      this.rejected++;
      const free = Math.max(0, this.options.capacity - this.depth - this.inFlightCount);
      return Promise.reject(
        unavailable(`the server is at capacity (${this.depth + this.inFlightCount} of ${this.options.capacity} texts queued or running, this request adds ${texts.length}, ${free} free); retry after the Retry-After delay`, 'queue_full', this.retryAfterSeconds()),
      );
    }
    const all = texts.map((text) => new Promise<EmbedOutcome>((resolve, reject) => this.waiting.push({ text, resolve, reject })));
    this.pump();
    return Promise.all(all);
  }

  /** Rejects every waiting text (the worker died; in-flight ones are rejected by the worker). */
  failWaiting(err: unknown): void {
    const jobs = this.waiting.slice(this.head);
    this.waiting.length = 0;
    this.head = 0;
    for (const j of jobs) j.reject(err);
  }

  private take(n: number): Job[] {
    const jobs = this.waiting.slice(this.head, this.head + n);
    this.head += jobs.length;
    // Compact now and then instead of shift()ing, which is O(n) per call.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return jobs;
  }

  private pump(): void {
    const maxBatch = this.options.maxBatch ?? 1;
    while (this.inFlightCount < this.options.window && this.depth > 0) {
      const backend = this.backend();
      const jobs = this.take(Math.min(maxBatch, this.options.window - this.inFlightCount));
      if (!backend) {
        const err = unavailable('the embedding worker is not running', 'worker_unavailable', 1);
        for (const j of jobs) j.reject(err);
        continue;
      }
      this.inFlightCount += jobs.length;
      backend(jobs.map((j) => j.text)).then(
        (outcomes) => {
          jobs.forEach((j, i) => j.resolve(outcomes[i]!));
          this.finished(jobs.length);
        },
        (err: unknown) => {
          for (const j of jobs) j.reject(new TextFailure(j.text, err));
          this.finished(jobs.length);
        },
      );
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
