// Latency percentile distributions (the HdrHistogram plot: latency against percentile, the
// percentile axis logarithmic in 1 / (1 - p), so the tail from p99 to p99.99 gets as much room as
// p0 to p90), candidate against baseline. Read from the histograms a suite already keeps: bench
// tasks and load phases in its details, and its windows' histograms merged as they arrive.
import * as hdr from 'hdr-histogram-js';
import type { WindowEvent } from '../events.ts';
import { LatencyHistogram } from '../metrics/latency.ts';
import type { SuiteResult } from '../result.ts';

export interface DistributionSeries {
  label: string;
  side: 'target' | 'baseline';
  /** 1 / (1 - p) for p in [0, 1): 1 is p0, 10 is p90, 100 is p99. */
  x: number[];
  /** Latency at that percentile, ms. */
  y: number[];
  count: number;
}

export interface DistributionChart {
  title: string;
  series: DistributionSeries[];
}

/** Points per decade of 1 / (1 - p). */
const STEPS_PER_DECADE = 12;
const MAX_CHARTS_PER_SUITE = 4;
/** Phases that measure something else than the latency under test. */
const SKIPPED_PHASES = new Set(['warmup', 'recovery']);

/** The distribution of one histogram, up to the percentile its count can support. */
export function distribution(h: LatencyHistogram): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  // Beyond 1 / (1 - p) = count the percentile is the maximum seen: the last point is the max.
  const top = Math.max(1, h.count);
  for (let k = 0; ; k++) {
    const inv = 10 ** (k / STEPS_PER_DECADE);
    if (inv > top) break;
    x.push(Number(inv.toPrecision(6)));
    y.push(h.percentileMs(100 * (1 - 1 / inv)));
  }
  x.push(top * 1.0001);
  y.push(h.percentileMs(100));
  return { x, y };
}

const isHistogramRows = (v: unknown, key: string): v is Record<string, unknown>[] =>
  Array.isArray(v) && v.every((r) => r !== null && typeof r === 'object' && typeof (r as Record<string, unknown>)[key] === 'string' && typeof (r as Record<string, unknown>)['histogram'] === 'string');

/** Histograms of one side's rows merged by name (load rounds of the same phase are one phase). */
function byName(rows: unknown, key: string, problems: string[]): Map<string, LatencyHistogram> {
  const out = new Map<string, LatencyHistogram>();
  if (!isHistogramRows(rows, key)) return out;
  for (const row of rows) {
    const name = row[key] as string;
    if (SKIPPED_PHASES.has(name)) continue;
    try {
      const h = LatencyHistogram.decode(row['histogram'] as string);
      const into = out.get(name);
      if (into) into.merge(h);
      else out.set(name, h);
    } catch (error) {
      problems.push(`${name}: histogram could not be decoded (${(error as Error).message})`);
    }
  }
  return out;
}

const sideOf = (details: Record<string, unknown>, name: string): Record<string, unknown> | undefined => {
  const v = details[name];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
};

/** Charts from a suite's details: bench `target/baseline.tasks`, load `target/compare.phases`. */
export function detailDistributions(suite: SuiteResult, problems: string[] = []): DistributionChart[] {
  const d = suite.details;
  if (!d) return [];
  const target = sideOf(d, 'target');
  const base = sideOf(d, 'baseline') ?? sideOf(d, 'compare');
  const [rowsKey, nameKey, what] = target?.['tasks'] !== undefined ? ['tasks', 'task', 'task'] : ['phases', 'phase', 'phase'];
  const mine = byName(target?.[rowsKey], nameKey, problems);
  const theirs = byName(base?.[rowsKey], nameKey, problems);
  const charts: DistributionChart[] = [];
  for (const [name, h] of mine) {
    if (h.count === 0) continue;
    const series: DistributionSeries[] = [{ label: `${suite.target.ref} (${h.count})`, side: 'target', count: h.count, ...distribution(h) }];
    const b = theirs.get(name);
    if (b && b.count > 0) series.push({ label: `${suite.compare?.ref ?? 'baseline'} (${b.count})`, side: 'baseline', count: b.count, ...distribution(b) });
    charts.push({ title: `${what} ${name}`, series });
    if (charts.length >= MAX_CHARTS_PER_SUITE) break;
  }
  return charts;
}

/**
 * A suite's window histograms merged per side, steady windows apart from exempt ones (a fault's
 * windows are not the steady state). A few fixed-size histograms, whatever the number of windows.
 */
export class WindowHistograms {
  private readonly merged = new Map<string, LatencyHistogram>();
  private undecodable = 0;

  add(w: WindowEvent): void {
    if (!w.histogram) return;
    const key = `${w.side ?? 'target'}:${w.exempt === undefined ? 'steady' : 'exempt'}`;
    let into = this.merged.get(key);
    if (!into) this.merged.set(key, (into = new LatencyHistogram()));
    try {
      // Decoded straight into the merged histogram: LatencyHistogram.decode would build a third
      // full-range histogram per window, three times the cost at 86,400 windows.
      into.histogram.add(hdr.decodeFromCompressedBase64(w.histogram, 32, false));
    } catch {
      this.undecodable++;
    }
  }

  chart(suite: SuiteResult): { chart?: DistributionChart; problem?: string } {
    const series: DistributionSeries[] = [];
    const names: Record<string, string> = {
      'target:steady': suite.target.ref,
      'target:exempt': `${suite.target.ref}, exempt windows`,
      'baseline:steady': suite.compare?.ref ?? 'baseline',
      'baseline:exempt': `${suite.compare?.ref ?? 'baseline'}, exempt windows`,
    };
    for (const [key, label] of Object.entries(names)) {
      const h = this.merged.get(key);
      if (!h || h.count === 0) continue;
      series.push({ label: `${label} (${h.count})`, side: key.startsWith('target') ? 'target' : 'baseline', count: h.count, ...distribution(h) });
    }
    const problem = this.undecodable > 0 ? `${this.undecodable} window histogram(s) could not be decoded and are left out` : undefined;
    return { ...(series.length > 0 ? { chart: { title: 'all windows', series } } : {}), ...(problem ? { problem } : {}) };
  }
}
