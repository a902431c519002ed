// The leak judgement of one mode: which memory points a slope is fitted to, and the verdict per
// series. Pure, so it is tested on samples built by hand.
import { judgeLeak, type LeakVerdict } from '../../metrics/regression.ts';
import type { MemorySample } from '../../probes/memory-sampler.ts';
import type { LeakSeriesName } from './metrics.ts';

export type FitBasis = 'after forced GC' | 'raw samples';

export interface FittedSeries {
  basis: FitBasis;
  x: number[];
  y: number[];
}

export interface LeakFits {
  leaks: Partial<Record<LeakSeriesName, LeakVerdict>>;
  /** The points each slope was fitted to (requests, bytes), for the report's charts. */
  series: Partial<Record<LeakSeriesName, FittedSeries>>;
}

/** A slope needs at least this many points, over at least 3 distinct request counts. */
const MIN_POINTS = 5;

/**
 * The samples that carry a new after-GC measurement: sums repeat between GCs, and counting each
 * repeat as a point would narrow the slope's interval with copies.
 */
export function afterGcPoints(samples: readonly MemorySample[]): MemorySample[] {
  const out: MemorySample[] = [];
  for (const s of samples) {
    if (s.heapAfterGc === undefined || s.anonAfterGc === undefined) return [];
    const last = out.at(-1);
    if (!last || last.heapAfterGc !== s.heapAfterGc || last.anonAfterGc !== s.anonAfterGc) out.push(s);
  }
  return out;
}

const enough = (points: readonly { x: number }[]) => points.length >= MIN_POINTS && new Set(points.map((p) => p.x)).size >= 3;

/**
 * Fits anonymous RSS and V8 heap against requests served. Memory measured after a forced full GC
 * is used when there is enough of it: raw samples rise with garbage between major GCs, which a
 * slope cannot tell from a leak. A series with too few points gets no verdict.
 */
export function fitLeaks(measured: readonly MemorySample[], allowedBytesPerRequest: number, confidence: number): LeakFits {
  const afterGc = afterGcPoints(measured);
  const clean = enough(afterGc);
  const fits: LeakFits = { leaks: {}, series: {} };
  for (const series of ['anon', 'heap'] as const) {
    const points = clean
      ? afterGc.map((s) => ({ x: s.x, y: series === 'anon' ? s.anonAfterGc! : s.heapAfterGc! }))
      : measured.flatMap((s) => (s[series] === undefined ? [] : [{ x: s.x, y: s[series] }]));
    if (!enough(points)) continue;
    fits.leaks[series] = judgeLeak(points.map((s) => s.x), points.map((s) => s.y), allowedBytesPerRequest, confidence);
    fits.series[series] = { basis: clean ? 'after forced GC' : 'raw samples', x: points.map((s) => s.x), y: points.map((s) => Math.round(s.y)) };
  }
  return fits;
}
