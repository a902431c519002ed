// Watches the target while a suite runs (fault, soak, canary): reads /health and /metrics every `poll` ms and keeps
// when each changed, so a fault's time to detect can be read off afterwards: /health turning
// unhealthy (a non-200, or no answer at all), the worker's pid changing, or a counter that counts
// trouble (worker crashes, cache corruption, the circuit) moving. Servers without /health or
// /metrics are watched for what they have; a target that never answered /health with 200 before
// the faults is not judged by it.
import { performance } from 'node:perf_hooks';

/** Counters and gauges of embedgate serve that move when something went wrong. */
export const TROUBLE_METRICS = ['embedgate_worker_crashes_total', 'embedgate_worker_restarts_total', 'embedgate_cache_corrupt_total', 'embedgate_circuit_open'] as const;

export interface Sign {
  atMs: number;
  what: string;
}

interface Health {
  atMs: number;
  ok: boolean;
  status: string;
  workerPid?: number;
  restarts?: number;
}

export class TargetWatch {
  private readonly health: Health[] = [];
  private readonly signs: Sign[] = [];
  private lastMetrics = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private ticks = 0;
  /** True once /health answered 200: only then does an unhealthy one say anything. */
  healthWatched = false;
  metricsWatched = false;

  constructor(
    private url: string,
    private readonly pollMs: number,
    /** ms since the suite started, the clock of windows and faults. */
    private readonly clock: () => number,
  ) {}

  setUrl(url: string): void {
    this.url = url;
  }

  start(): this {
    this.timer = setInterval(() => void this.tick(), this.pollMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The worker's pid, as embedgate serve's /health last named it. */
  get workerPid(): number | undefined {
    for (let i = this.health.length - 1; i >= 0; i--) if (this.health[i]!.workerPid) return this.health[i]!.workerPid;
    return undefined;
  }

  get workerRestarts(): number | undefined {
    for (let i = this.health.length - 1; i >= 0; i--) if (this.health[i]!.restarts !== undefined) return this.health[i]!.restarts;
    return undefined;
  }

  /** Reads /health once now (before the first fault, to know the worker). */
  async readNow(): Promise<void> {
    await this.tick(true);
  }

  /**
   * The first sign of trouble at or after `fromMs`: an unhealthy /health, a new worker pid, a
   * trouble counter moving; `relevant` keeps only signs the fault can cause (a corruption left
   * over from an earlier fault does not detect a worker's death).
   */
  firstSignAfter(fromMs: number, relevant: RegExp = /./): Sign | undefined {
    return this.signs.find((s) => s.atMs >= fromMs && relevant.test(s.what));
  }

  private async tick(force = false): Promise<void> {
    if (this.busy && !force) return;
    this.busy = true;
    try {
      await this.readHealth();
      // /metrics is bigger: every other tick is enough.
      if (force || this.ticks++ % 2 === 0) await this.readMetrics();
    } finally {
      this.busy = false;
    }
  }

  private sign(what: string, atMs: number): void {
    this.signs.push({ atMs, what });
  }

  private async readHealth(): Promise<void> {
    const sent = this.clock();
    let h: Health;
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(Math.max(500, this.pollMs * 5)) });
      const text = await res.text();
      let body: { status?: string; worker?: { pid?: number | null; restarts?: number } } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // a server whose /health is not JSON: its status code says it all
      }
      h = { atMs: sent, ok: res.status === 200, status: `${res.status}${body.status ? ` ${body.status}` : ''}`, ...(body.worker?.pid ? { workerPid: body.worker.pid } : {}), ...(body.worker?.restarts !== undefined ? { restarts: body.worker.restarts } : {}) };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      h = { atMs: sent, ok: false, status: `no answer (${cause})` };
    }
    const prev = this.health.at(-1);
    this.health.push(h);
    if (this.health.length > 4096) this.health.splice(0, 1024);
    if (h.ok) this.healthWatched = true;
    if (!this.healthWatched) return;
    if (!h.ok && (prev?.ok ?? true)) this.sign(`/health: ${h.status}`, h.atMs);
    if (prev?.workerPid && h.workerPid && prev.workerPid !== h.workerPid) this.sign(`/health: worker pid ${prev.workerPid} → ${h.workerPid}`, h.atMs);
  }

  private async readMetrics(): Promise<void> {
    const at = this.clock();
    let text: string;
    try {
      const res = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(Math.max(500, this.pollMs * 5)) });
      if (res.status !== 200) {
        await res.arrayBuffer();
        return;
      }
      text = await res.text();
    } catch {
      return;
    }
    const now = new Map<string, number>();
    for (const name of TROUBLE_METRICS) {
      const v = Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1]);
      if (Number.isFinite(v)) now.set(name, v);
    }
    if (now.size > 0) this.metricsWatched = true;
    for (const [name, v] of now) {
      const before = this.lastMetrics.get(name);
      if (before !== undefined && v > before) this.sign(`/metrics: ${name} ${before} → ${v}`, at);
    }
    // A restarted server starts its counters again from 0: keep the new values as the reference.
    if (now.size > 0) this.lastMetrics = now;
  }
}

/** performance.now() based ms since `t0`. */
export const clockFrom = (t0: number) => () => performance.now() - t0;
