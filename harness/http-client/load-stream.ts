// The open-model load that fault, soak and canary suites run throughout: a warm-up, a closed-model
// measurement of capacity, then an open model at a share of it, cut into back-to-back windows. Each window is one runPhase, so
// every request is accounted for (sent = answered + errors, lost and unanswered included) and every
// answer is checked. Window k starts k windows after the load started, whether or not the previous
// window's grace period (answers still in flight) is over, so the arrivals never pause.
import { inputsOfBodyAt, type Bodies } from './bodies.ts';
import type { SeenTexts } from './answer-check.ts';
import { runPhase, type PhaseResult } from './phase.ts';

export interface StreamOptions {
  bodies: Bodies;
  /** Where requests go now (it changes when a killed server is started again). */
  url: () => string;
  connections: number;
  windowMs: number;
  requestTimeoutMs: number;
  dimensions?: number;
  /** false: answers are not checked here (a canary's router checks each side's answers itself). Default true. */
  checkAnswers?: boolean;
  signal: AbortSignal;
  /** ms since the suite started. */
  clock: () => number;
  /** Hears which bodies each phase built once it ends: [first, next), counting past the end (body = index mod bodies.length). Soak suites count first sightings of texts with it. */
  onBodies?: (first: number, next: number) => void;
}

export interface LoadWindow {
  startMs: number;
  endMs: number;
  result: PhaseResult;
}

export class LoadStream {
  private next: number;
  private stopped = false;
  private loop: Promise<void> | undefined;
  /** Shared by every window's answer checks: a text must come back the same across the whole load. */
  private readonly seenTexts: SeenTexts = new Map();

  constructor(private readonly o: StreamOptions, startIndex = 0) {
    this.next = startIndex;
  }

  private phase(name: string, connections: number, durationMs: number, rate?: number): Promise<PhaseResult> {
    const from = this.next;
    // Each window draws its own bodies: far enough apart that concurrent windows do not overlap.
    this.next += Math.max(64, Math.ceil((rate ?? 200) * (durationMs / 1000) * 2));
    const running = runPhase({
      name,
      url: this.o.url(),
      bodies: this.o.bodies.bodies,
      startIndex: from % this.o.bodies.bodies.length,
      connections,
      durationMs,
      ...(rate !== undefined ? { rate } : {}),
      timeoutMs: this.o.requestTimeoutMs,
      // Windows follow each other: a short grace keeps one window's stragglers from stretching it
      // while a fault holds requests (a request still open after it counts as unanswered).
      graceMs: Math.min(this.o.requestTimeoutMs, 2000),
      signal: this.o.signal,
      check: this.o.checkAnswers === false ? false : { seenTexts: this.seenTexts, inputsOf: (i) => inputsOfBodyAt(this.o.bodies, i), ...(this.o.dimensions ? { dimensions: this.o.dimensions } : {}) },
    });
    const onBodies = this.o.onBodies;
    if (onBodies) void running.then((r) => onBodies(from % this.o.bodies.bodies.length, r.nextIndex), () => {});
    return running;
  }

  /** Warm-up, then the closed-model throughput at `connections`: the capacity the rate is a share of. */
  async measureCapacity(warmupMs: number, capacityMs: number): Promise<PhaseResult> {
    if (warmupMs > 0) await this.phase('warmup', Math.min(8, this.o.connections), warmupMs);
    return this.phase('capacity', this.o.connections, capacityMs);
  }

  /**
   * Starts the open model at `rate`; `onWindow` gets each window in order as it closes. Runs until
   * stop() or the signal.
   */
  start(rate: number, onWindow: (w: LoadWindow) => void): void {
    const t0 = this.o.clock();
    const { windowMs } = this.o;
    this.loop = (async () => {
      let pending: Promise<void> = Promise.resolve();
      for (let k = 0; !this.stopped && !this.o.signal.aborted; k++) {
        const startMs = t0 + k * windowMs;
        const wait = startMs - this.o.clock();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (this.stopped || this.o.signal.aborted) break;
        const started = this.o.clock();
        const running = this.phase(`window ${k + 1}`, this.o.connections, windowMs, rate);
        // Windows close in order: this one reports after the one before it.
        const previous = pending;
        pending = (async () => {
          const result = await running;
          await previous;
          onWindow({ startMs: started, endMs: started + result.wallMs, result });
        })();
        // The next window starts on schedule; only the grace period of this one may still run.
        await Promise.race([running.then(() => undefined), new Promise((r) => setTimeout(r, windowMs))]);
      }
      await pending;
    })();
  }

  /** Stops after the window in flight; resolves once every window has reported. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}
