// The time series report.html draws, collected from window events as they arrive (the run's
// onWindow, or a replayed events.jsonl) in memory that does not grow with the number of windows.
// Up to MAX_BUCKETS windows are kept one per bucket, exactly. Past that, windows share buckets
// of a fixed width, doubled (neighbours merged) whenever time runs past the last bucket, so a
// suite never holds more than MAX_BUCKETS buckets. A bucket keeps min, max, sum and count of each
// metric: the chart draws the mean with the min/max envelope, so a one-window spike in a 24-hour
// soak is still drawn at its height, never averaged away.
import type { WindowEvent } from '../events.ts';
import type { Unit } from '../result.ts';

/** The window metrics charted over time (other window metrics stay in events.jsonl). */
export const CHARTED_WINDOW_METRICS = [
  'latency.p50', 'latency.p95', 'latency.p99',
  'throughput.rps',
  'errors.total', 'errors.rate',
  'memory.rss', 'memory.anon', 'memory.file', 'memory.heap', 'harness.rss',
  'worker.restarts',
  'cache.hit_rate',
  // A canary's intervals: the candidate's weight and each side's figures at the router.
  'canary.weight', 'candidate.latency.p50', 'candidate.latency.p95', 'stable.latency.p50', 'stable.latency.p95',
  'candidate.errors.rate', 'candidate.memory.rss',
] as const;
const CHARTED = new Set<string>(CHARTED_WINDOW_METRICS);

export const MAX_BUCKETS = 2048;
/** Label changes and exempt spans kept per suite; a runner changing its label every window cannot grow the store. */
export const MAX_MARKS = 400;

export type Side = 'target' | 'baseline';

interface Stat { min: number; max: number; sum: number; n: number }

interface Bucket {
  /** The earliest window start in the bucket, ms since the suite started: where the point is drawn. */
  startMs: number;
  windows: number;
  /** Window check verdicts that failed in the bucket's windows. */
  failed: number;
  stats: Map<string, Stat>;
}

export interface Marker { atMs: number; label: string }
export interface Span { startMs: number; endMs: number; reason: string }

/** One series as drawn: the bucket means, and min/max when buckets hold more than one window. */
export interface SeriesData {
  side: Side;
  metric: string;
  unit: Unit;
  mean: (number | null)[];
  min?: (number | null)[];
  max?: (number | null)[];
}

export interface SeriesSnapshot {
  suite: string;
  /** Windows seen of the suite's target and of its baseline. */
  windows: { target: number; baseline: number };
  /** 0 while every window has its own bucket; else the bucket width in ms. */
  bucketMs: number;
  /** Bucket positions, ms since the suite started, ascending. */
  x: number[];
  windowsPerBucket: number[];
  failedPerBucket: number[];
  series: SeriesData[];
  markers: Marker[];
  spans: Span[];
  /** Label changes and exempt spans beyond MAX_MARKS, not drawn. */
  droppedMarks: number;
}

const emptyStat = (v: number): Stat => ({ min: v, max: v, sum: v, n: 1 });

function mergeInto(into: Bucket, from: Bucket): void {
  into.startMs = Math.min(into.startMs, from.startMs);
  into.windows += from.windows;
  into.failed += from.failed;
  for (const [key, s] of from.stats) {
    const t = into.stats.get(key);
    if (!t) into.stats.set(key, { ...s });
    else {
      t.min = Math.min(t.min, s.min);
      t.max = Math.max(t.max, s.max);
      t.sum += s.sum;
      t.n += s.n;
    }
  }
}

/** One suite's windows, bounded. */
export class WindowSeries {
  /** Until it holds MAX_BUCKETS positions: one bucket per window start (both sides' windows at one time share it). */
  private raw: Map<number, Bucket> | undefined = new Map();
  private readonly buckets = new Map<number, Bucket>();
  private widthMs = 0;
  private readonly count = { target: 0, baseline: 0 };
  private readonly units = new Map<string, Unit>();
  private readonly markers: Marker[] = [];
  private readonly spans: Span[] = [];
  private dropped = 0;
  private lastLabel = new Map<Side, string | undefined>();

  constructor(readonly suite: string) {}

  add(w: WindowEvent): void {
    const side: Side = w.side ?? 'target';
    this.count[side]++;
    const bucket: Bucket = { startMs: Math.max(0, w.startMs), windows: 1, failed: 0, stats: new Map() };
    for (const [name, m] of Object.entries(w.metrics)) {
      if (!CHARTED.has(name) || !Number.isFinite(m.value)) continue;
      const key = `${side}:${name}`;
      if (!this.units.has(key)) this.units.set(key, m.unit);
      bucket.stats.set(key, emptyStat(m.value));
    }
    bucket.failed = (w.checks ?? []).filter((c) => c.status === 'fail').length;
    this.mark(side, w);
    if (this.raw) {
      const key = Math.round(bucket.startMs);
      const into = this.raw.get(key);
      if (into) mergeInto(into, bucket);
      else this.raw.set(key, bucket);
      if (this.raw.size > MAX_BUCKETS) this.toBuckets();
    } else this.place(bucket);
  }

  private mark(side: Side, w: WindowEvent): void {
    // Markers come from the suite's own target; a baseline's labels would double every line.
    if (side !== 'target') return;
    if (w.label !== undefined && w.label !== this.lastLabel.get(side)) {
      if (this.markers.length < MAX_MARKS) this.markers.push({ atMs: Math.max(0, w.startMs), label: w.label });
      else this.dropped++;
    }
    this.lastLabel.set(side, w.label);
    if (w.exempt === undefined) return;
    const last = this.spans.at(-1);
    if (last && last.reason === w.exempt && w.startMs <= last.endMs + 1) last.endMs = Math.max(last.endMs, w.endMs);
    else if (this.spans.length < MAX_MARKS) this.spans.push({ startMs: Math.max(0, w.startMs), endMs: w.endMs, reason: w.exempt });
    else this.dropped++;
  }

  /** The switch from one bucket per window to fixed-width buckets, with room to grow. */
  private toBuckets(): void {
    const raw = [...this.raw!.values()];
    this.raw = undefined;
    const last = raw.reduce((m, b) => Math.max(m, b.startMs), 0);
    this.widthMs = Math.max(1, (last + 1) / (MAX_BUCKETS / 2));
    for (const b of raw) this.place(b);
  }

  private place(b: Bucket): void {
    while (Math.floor(b.startMs / this.widthMs) >= MAX_BUCKETS) this.widen();
    const index = Math.floor(b.startMs / this.widthMs);
    const into = this.buckets.get(index);
    if (into) mergeInto(into, b);
    else this.buckets.set(index, b);
  }

  private widen(): void {
    this.widthMs *= 2;
    const old = [...this.buckets.entries()];
    this.buckets.clear();
    for (const [i, b] of old) {
      const j = Math.floor(i / 2);
      const into = this.buckets.get(j);
      if (into) mergeInto(into, b);
      else this.buckets.set(j, b);
    }
  }

  /** How many buckets are held now (bounded by MAX_BUCKETS + 1). */
  get size(): number {
    return this.raw ? this.raw.size : this.buckets.size;
  }

  snapshot(): SeriesSnapshot {
    const list = this.raw ? [...this.raw.values()].sort((a, b) => a.startMs - b.startMs) : [...this.buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b);
    const merged = list.some((b) => [...b.stats.values()].some((st) => st.n > 1));
    const series: SeriesData[] = [];
    const keys = [...this.units.keys()].sort((a, b) => order(a) - order(b));
    for (const key of keys) {
      const [side, metric] = [key.slice(0, key.indexOf(':')) as Side, key.slice(key.indexOf(':') + 1)];
      const stat = (b: Bucket) => b.stats.get(key);
      const data: SeriesData = { side, metric, unit: this.units.get(key)!, mean: list.map((b) => { const s = stat(b); return s ? s.sum / s.n : null; }) };
      if (merged) {
        data.min = list.map((b) => stat(b)?.min ?? null);
        data.max = list.map((b) => stat(b)?.max ?? null);
      }
      series.push(data);
    }
    return {
      suite: this.suite,
      windows: { ...this.count },
      bucketMs: this.raw ? 0 : this.widthMs,
      x: list.map((b) => b.startMs),
      windowsPerBucket: list.map((b) => b.windows),
      failedPerBucket: list.map((b) => b.failed),
      series,
      markers: [...this.markers],
      spans: this.spans.map((s) => ({ ...s })),
      droppedMarks: this.dropped,
    };
  }
}

/** Target before baseline, then the catalog's order. */
function order(key: string): number {
  const [side, metric] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  return (side === 'target' ? 0 : 100) + CHARTED_WINDOW_METRICS.indexOf(metric as (typeof CHARTED_WINDOW_METRICS)[number]);
}

/** Every suite's series, by suite name, as window events arrive. */
export class RunWindowSeries {
  private readonly suites = new Map<string, WindowSeries>();

  add(w: WindowEvent): void {
    let s = this.suites.get(w.suite);
    if (!s) this.suites.set(w.suite, (s = new WindowSeries(w.suite)));
    s.add(w);
  }

  get(suite: string): WindowSeries | undefined {
    return this.suites.get(suite);
  }

  clear(): void {
    this.suites.clear();
  }
}
