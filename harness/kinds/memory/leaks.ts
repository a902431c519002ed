// The leak judgement of one mode: which memory points are judged (after a forced GC, or raw
// samples), how they fall into the run's windows, and the window verdict per series
// (leak-windows.ts). Pure, so it is tested on samples built by hand.
import type { MemorySample } from '../../probes/memory-sampler.ts';
import { judgeWindows, MIN_WINDOWS, windowMedians, type WindowPoint, type WindowVerdict } from './leak-windows.ts';
import type { LeakSeriesName } from './metrics.ts';

export type FitBasis = 'after forced GC' | 'raw samples';

/** One window of the measured span: requests served and sampler time when it opened and closed. */
export interface MemoryWindowSpan {
  fromRequest: number;
  toRequest: number;
  startMs: number;
  endMs: number;
}

export interface FittedSeries {
  basis: FitBasis;
  /** The points judged (requests, bytes), for the report's charts. */
  x: number[];
  y: number[];
  /** Their window medians, which the verdict is fitted to. */
  windows: WindowPoint[];
}

export interface LeakFits {
  leaks: Partial<Record<LeakSeriesName, WindowVerdict>>;
  series: Partial<Record<LeakSeriesName, FittedSeries>>;
}

/** After-GC measurements a window needs for its median: with a GC every 0.5 s, a window of 1 s. */
export const MIN_AFTER_GC_PER_WINDOW = 2;
/** Raw samples a window needs for its median. */
export const MIN_RAW_PER_WINDOW = 5;
/**
 * How long a window of raw samples must last. Without forced GCs, raw memory swings with garbage
 * between major GCs and with the allocator growing and trimming its arenas; a Node server at
 * ~700 requests/s was measured swinging 3 MB within 1–2 s. A window of 1.5 s or more takes its
 * median across such swings instead of riding one.
 */
export const RAW_MIN_WINDOW_MS = 1500;

/**
 * The samples that carry a new after-GC measurement: sums repeat between GCs, and counting each
 * repeat as a point would give a window copies instead of measurements.
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

/** Which window a sample falls in, by requests served: [from, to), the last window closed at its end. */
export function windowIndex(spans: readonly MemoryWindowSpan[]): (s: { x: number }) => number {
  return (s) => spans.findIndex((w, i) => s.x >= w.fromRequest && (s.x < w.toRequest || (i === spans.length - 1 && s.x <= w.toRequest)));
}

/**
 * Judges anonymous RSS and V8 heap across the windows. Memory measured after a forced full GC is
 * used when every window has enough of it: raw samples rise with garbage between major GCs. A
 * target without the heap probe is judged on raw samples, anonymous memory only (it reports no heap),
 * and only when its windows are long enough for its allocator (RAW_MIN_WINDOW_MS).
 */
export function fitLeaks(measured: readonly MemorySample[], spans: readonly MemoryWindowSpan[], allowedBytesPerRequest: number, confidence: number): LeakFits {
  const fits: LeakFits = { leaks: {}, series: {} };
  const inWindow = windowIndex(spans);
  const afterGc = afterGcPoints(measured);
  const counts = windowMedians(afterGc, spans.length, inWindow, (s) => s.x, () => 0).map((w) => w.n);
  const clean = spans.length > 0 && counts.every((n) => n >= MIN_AFTER_GC_PER_WINDOW);
  const shortest = Math.min(...spans.map((w) => w.endMs - w.startMs));
  for (const series of ['anon', 'heap'] as const) {
    const points = clean
      ? afterGc.map((s) => ({ x: s.x, y: series === 'anon' ? s.anonAfterGc! : s.heapAfterGc! }))
      : measured.flatMap((s) => (s[series] === undefined ? [] : [{ x: s.x, y: s[series] }]));
    if (points.length === 0) continue;
    const windows = windowMedians(points, spans.length, inWindow, (p) => p.x, (p) => p.y);
    const tooShort = !clean && spans.length >= MIN_WINDOWS && shortest < RAW_MIN_WINDOW_MS;
    fits.leaks[series] = tooShort
      ? {
          call: 'inconclusive',
          suspected: false,
          windows: spans.length,
          reason: `windows of ${(shortest / 1000).toFixed(1)} s of raw samples, shorter than the ${RAW_MIN_WINDOW_MS / 1000} s a target without the heap probe needs to average out its GC and allocator swings: raise minDuration`,
        }
      : judgeWindows(windows, allowedBytesPerRequest, confidence, { minWindows: MIN_WINDOWS, minPointsPerWindow: clean ? MIN_AFTER_GC_PER_WINDOW : MIN_RAW_PER_WINDOW });
    fits.series[series] = { basis: clean ? 'after forced GC' : 'raw samples', x: points.map((p) => p.x), y: points.map((p) => Math.round(p.y)), windows };
  }
  return fits;
}
