// From what each mode measured to the suite's metrics and details. Pure: no process, no clock.
import type { LeakVerdict } from '../../metrics/regression.ts';
import type { MemoryPeaks } from '../../probes/memory-sampler.ts';
import type { Retainer } from '../../probes/heap-snapshot.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import type { LeakFits } from './leaks.ts';
import { MEMORY_METRICS, type LeakSeriesName, type MemoryMode } from './metrics.ts';

export interface ModeResult {
  mode: MemoryMode;
  requests: number;
  errors: number;
  leaks: LeakFits['leaks'];
  snapshots?: { pid: number; retainers: Retainer[] } | { skipped: string };
  samples: number;
  peaks: MemoryPeaks;
  oom: string[];
  coldStartMs?: number;
  series: LeakFits['series'];
}

/** The suite's metrics from its modes' results. */
export function memoryMetrics(results: readonly ModeResult[]): Metrics {
  const { put, metrics } = metricWriter(MEMORY_METRICS);
  let suspected = 0;
  for (const r of results) {
    put(`${r.mode}.requests`, r.requests);
    if (r.mode === 'http') put('http.errors', r.errors);
    for (const [series, verdict] of Object.entries(r.leaks) as [LeakSeriesName, LeakVerdict][]) {
      put(`${r.mode}.leak.${series}.slope`, verdict.fit.slope);
      put(`${r.mode}.leak.${series}.slope.ci_low`, verdict.fit.ciLow);
      put(`${r.mode}.leak.${series}.slope.ci_high`, verdict.fit.ciHigh);
      if (verdict.suspected) suspected++;
    }
  }
  if (results.some((r) => Object.keys(r.leaks).length > 0)) put('leak.suspected', suspected);
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

/** One row per fitted series: its points and its fit, which report.html draws (see memory-chart.ts). */
export function leakSeries(r: ModeResult) {
  return (['anon', 'heap'] as const).flatMap((name) => {
    const points = r.series[name];
    const verdict = r.leaks[name];
    if (!points || !verdict) return [];
    const { slope, intercept, ciLow, ciHigh } = verdict.fit;
    return [{ mode: r.mode, series: name, basis: points.basis, suspected: verdict.suspected, reason: verdict.reason, slope, intercept, ciLow, ciHigh, x: points.x, y: points.y }];
  });
}

export function modeDetail(r: ModeResult) {
  return {
    mode: r.mode,
    requests: r.requests,
    errors: r.errors,
    samples: r.samples,
    peaks: r.peaks,
    ...(r.coldStartMs !== undefined ? { coldStartMs: Math.round(r.coldStartMs) } : {}),
    leaks: Object.fromEntries(Object.entries(r.leaks).map(([k, v]) => [k, { suspected: v.suspected, reason: v.reason, ...v.fit }])),
    ...(r.snapshots ? { snapshots: r.snapshots } : {}),
    oom: r.oom,
  };
}
