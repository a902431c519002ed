// Reads a Prometheus's /api/v1/alerts every half second and keeps, per alert name, when it first
// fired and when it stopped firing after that, on the suite's clock.
export interface AlertTimes {
  firedAtMs?: number;
  resolvedAtMs?: number;
}

export class AlertWatch {
  private readonly seen = new Map<string, AlertTimes>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** The last error reading the API, for the report when an alert never showed. */
  lastError: string | undefined;

  constructor(
    private readonly url: string,
    private readonly clock: () => number,
  ) {}

  start(intervalMs = 500): this {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The first firing of `name` at or after `fromMs`, and its resolution after that. */
  times(name: string): AlertTimes {
    return { ...this.seen.get(name) };
  }

  /** Forgets an alert's history, so the next fault that expects it starts afresh. */
  reset(name: string): void {
    this.seen.delete(name);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const at = this.clock();
    try {
      const res = await fetch(`${this.url}/api/v1/alerts`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { data?: { alerts?: { labels: { alertname: string }; state: string }[] } };
      const firing = new Set((body.data?.alerts ?? []).filter((a) => a.state === 'firing').map((a) => a.labels.alertname));
      for (const name of firing) {
        const t = this.seen.get(name) ?? {};
        if (t.firedAtMs === undefined) t.firedAtMs = at;
        this.seen.set(name, t);
      }
      for (const [name, t] of this.seen) if (t.firedAtMs !== undefined && t.resolvedAtMs === undefined && !firing.has(name)) t.resolvedAtMs = at;
      this.lastError = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }
}
