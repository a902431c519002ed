// What the canary watches of the candidate between the router's figures: its processes' memory
// (RSS of the server and its children, sampled) against a limit, and its /health, read through the
// fault proxy so a candidate that stops answering is heard as silence. Each keeps the start of the
// current run of its condition (memory above the threshold, no answer since), which is the
// trigger's onset and how long the condition has held.
import { MemorySampler } from '../../probes/memory-sampler.ts';

export class MemoryWatch {
  private sampler: MemorySampler | undefined;
  /** Suite-clock time of the first sample of the current run above the threshold. */
  aboveSinceMs: number | undefined;
  lastRss: number | undefined;
  peakRss = 0;
  samples = 0;

  constructor(
    readonly limitBytes: number,
    private readonly threshold: number,
    private readonly clock: () => number,
  ) {}

  start(pid: number, intervalMs: number): this {
    this.sampler = new MemorySampler(() => [pid], {
      intervalMs,
      onSample: (s) => {
        const at = this.clock();
        this.samples++;
        this.lastRss = s.rss;
        this.peakRss = Math.max(this.peakRss, s.rss);
        if (s.rss > this.threshold * this.limitBytes) this.aboveSinceMs ??= at;
        else this.aboveSinceMs = undefined;
      },
    }).start();
    return this;
  }

  stop(): void {
    this.sampler?.stop();
  }
}

export class HealthWatch {
  private timer: NodeJS.Timeout | undefined;
  /** Suite-clock time the last answer (any status) to /health arrived; undefined before the first. */
  lastAnswerMs: number | undefined;
  answers = 0;
  unanswered = 0;

  constructor(
    private readonly url: string,
    private readonly pollMs: number,
    /** A slow answer is still an answer: a poll waits this long (the silence the trigger allows). */
    private readonly timeoutMs: number,
    private readonly clock: () => number,
  ) {}

  start(): this {
    // Polls may overlap while the candidate is silent: each is bounded by its own timeout.
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
    return this;
  }

  async poll(): Promise<void> {
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(Math.max(1000, this.timeoutMs)) });
      await res.arrayBuffer();
      this.answers++;
      this.lastAnswerMs = this.clock();
    } catch {
      this.unanswered++;
    }
  }

  /** How long /health has given no answer at `atMs` (0 right after one). */
  silentForMs(atMs: number): number {
    return this.lastAnswerMs === undefined ? 0 : Math.max(0, atMs - this.lastAnswerMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
