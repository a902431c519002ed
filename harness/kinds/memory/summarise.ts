// From what each mode measured to the suite's metrics, its window metrics and its details. Pure:
// no process, no clock.
import { median } from '../../metrics/statistics.ts';
import type { MemoryPeaks, MemorySample } from '../../probes/memory-sampler.ts';
import type { Retainer } from '../../probes/heap-snapshot.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import type { WindowVerdict } from './leak-windows.ts';
import { afterGcPoints, type LeakFits, type MemoryWindowSpan } from './leaks.ts';
import { MEMORY_METRICS, MEMORY_WINDOW_METRICS, type LeakSeriesName, type MemoryMode } from './metrics.ts';

export interface ModeResult {
  mode: MemoryMode;
  requests: number;
  errors: number;
  leaks: LeakFits['leaks'];
  /** Windows of the measured span that closed. */
  windows: number;
  snapshots?: { pid: number; retainers: Retainer[] } | { skipped: string };
  samples: number;
  peaks: MemoryPeaks;
  oom: string[];
  coldStartMs?: number;
  series: LeakFits['series'];
}

const judged = (r: ModeResult) => (Object.entries(r.leaks) as [LeakSeriesName, WindowVerdict][]).filter(([, v]) => v.call !== 'inconclusive');

/** The suite's metrics from its modes' results. */
export function memoryMetrics(results: readonly ModeResult[]): Metrics {
  const { put, metrics } = metricWriter(MEMORY_METRICS);
  let suspected = 0;
  for (const r of results) {
    put(`${r.mode}.requests`, r.requests);
    put(`${r.mode}.leak.windows`, r.windows);
    if (r.mode === 'http') put('http.errors', r.errors);
    for (const [series, verdict] of judged(r)) {
      put(`${r.mode}.leak.${series}.slope`, verdict.fit?.slope);
      put(`${r.mode}.leak.${series}.slope.ci_low`, verdict.fit?.ciLow);
      put(`${r.mode}.leak.${series}.slope.ci_high`, verdict.fit?.ciHigh);
      put(`${r.mode}.leak.${series}.slope.tail`, verdict.tailSlope);
      if (verdict.suspected) suspected++;
    }
  }
  if (results.some((r) => judged(r).length > 0)) put('leak.suspected', suspected);
  const http = results.find((r) => r.mode === 'http');
  const inproc = results.find((r) => r.mode === 'inprocess');
  put('cold_start', http?.coldStartMs ?? inproc?.coldStartMs);
  put('cold_start.inprocess', inproc?.coldStartMs);
  if (results.length) {
    put('memory.rss.peak', Math.max(...results.map((r) => r.peaks.rss)));
    put('memory.anon.peak', Math.max(...results.map((r) => r.peaks.anon)));
    put('memory.file.peak', Math.max(...results.map((r) => r.peaks.file)));
    const heaps = results.map((r) => r.peaks.heap).filter((h): h is number => h !== undefined);
    if (heaps.length) put('memory.heap.peak', Math.max(...heaps));
    put('memory.samples', results.reduce((a, r) => a + r.peaks.samples, 0));
    put('memory.oom', results.reduce((a, r) => a + r.oom.length, 0));
  }
  return metrics;
}

/**
 * Why `leak.suspected` cannot be read, or undefined when it can: a proven leak in any series is
 * evidence enough; otherwise every mode needs a verdict on its anonymous memory and no series may
 * be inconclusive, or a pass would rest on what was not judged.
 */
export function undecidedLeaks(results: readonly ModeResult[]): string | undefined {
  if (results.some((r) => Object.values(r.leaks).some((v) => v.suspected))) return undefined;
  const why = results.flatMap((r) => {
    if (!r.leaks.anon) return [`${r.mode}: no memory series measured (${r.samples} samples)`];
    return (Object.entries(r.leaks) as [LeakSeriesName, WindowVerdict][]).filter(([, v]) => v.call === 'inconclusive').map(([s, v]) => `${r.mode} ${s}: ${v.reason}`);
  });
  if (results.length === 0) why.push('no mode was measured');
  return why.length ? `no leak verdict: ${why.join('; ')}` : undefined;
}

/** A window's median memory figures and requests, for checks over windows. */
export function windowMetrics(measured: readonly MemorySample[], span: MemoryWindowSpan, errors: number): Metrics {
  const { put, metrics } = metricWriter(MEMORY_WINDOW_METRICS);
  const inside = (s: MemorySample) => s.x >= span.fromRequest && s.x <= span.toRequest;
  const raw = measured.filter(inside);
  const gc = afterGcPoints(measured).filter(inside);
  const med = (values: (number | undefined)[]) => {
    const v = values.filter((x): x is number => x !== undefined);
    return v.length ? median(v) : undefined;
  };
  put('requests', span.toRequest - span.fromRequest);
  put('errors', errors);
  put('memory.samples', raw.length);
  put('memory.rss', med(raw.map((s) => s.rss)));
  put('memory.anon', med(raw.map((s) => s.anon)));
  put('memory.heap', med(raw.map((s) => s.heap)));
  put('memory.anon.after_gc', med(gc.map((s) => s.anonAfterGc)));
  put('memory.heap.after_gc', med(gc.map((s) => s.heapAfterGc)));
  return metrics;
}

/**
 * One row per judged series: its points and its robust line, which report.html draws (see
 * memory-chart.ts), with the window medians the line was fitted to.
 */
export function leakSeries(r: ModeResult) {
  return (['anon', 'heap'] as const).flatMap((name) => {
    const points = r.series[name];
    const verdict = r.leaks[name];
    if (!points || !verdict?.fit) return [];
    const { slope, intercept, ciLow, ciHigh } = verdict.fit;
    return [{ mode: r.mode, series: name, basis: points.basis, suspected: verdict.suspected, call: verdict.call, reason: verdict.reason, slope, intercept, ciLow, ciHigh, tailSlope: verdict.tailSlope, x: points.x, y: points.y, windows: points.windows.map((w) => ({ x: w.x, y: Math.round(w.y), n: w.n })) }];
  });
}

export function modeDetail(r: ModeResult) {
  return {
    mode: r.mode,
    requests: r.requests,
    errors: r.errors,
    windows: r.windows,
    samples: r.samples,
    peaks: r.peaks,
    ...(r.coldStartMs !== undefined ? { coldStartMs: Math.round(r.coldStartMs) } : {}),
    leaks: Object.fromEntries(
      Object.entries(r.leaks).map(([k, v]) => [k, { verdict: v.call, suspected: v.suspected, reason: v.reason, windows: v.windows, ...(v.fit ?? {}), ...(v.tailSlope !== undefined ? { tailSlope: v.tailSlope, tailWindows: v.tailWindows } : {}) }]),
    ),
    ...(r.snapshots ? { snapshots: r.snapshots } : {}),
    oom: r.oom,
  };
}
