// The leak verdict over windows. Memory is handed out and back in chunks (allocator arenas, V8
// pages and semi-spaces), so a leak-free server's memory steps and then stays flat; one straight
// line through every sample reads such a step as a slope (measured: a 4 MB step read as
// 3.4 kB/request, interval [207 B, 6.58 kB], a false alarm). Here the measured span is cut into
// windows by requests served, each window is summed up by its median, and a leak is growth that is
// both proven across the windows and still going on at the end:
//   1. the Theil–Sen slope of the window medians has its lower confidence bound (Sen's interval,
//      harness/metrics/theil-sen.ts) above the allowance: a single step leaves many window pairs
//      with slope zero, which pulls that bound down to about zero;
//   2. the Theil–Sen slope of the last third of the windows (at least 3) is above the allowance
//      too: memory that rose and then settled is not a leak.
// Too few windows, or windows with too few points, give no verdict (inconclusive). Pure: tested
// on series built by hand.
import { formatBytes } from '../../format.ts';
import { median } from '../../metrics/statistics.ts';
import { theilSen, type RobustSlope } from '../../metrics/theil-sen.ts';

/** A window's summary: the median request count and median memory of its points. */
export interface WindowPoint {
  x: number;
  y: number;
  /** Points the medians were taken over. */
  n: number;
}

export type LeakCall = 'leak' | 'no leak' | 'inconclusive';

export interface WindowVerdict {
  call: LeakCall;
  suspected: boolean;
  reason: string;
  windows: number;
  /** Over all windows; absent when inconclusive. */
  fit?: RobustSlope;
  /** Theil–Sen slope over the last third of the windows. */
  tailSlope?: number;
  tailWindows?: number;
}

export interface WindowRules {
  /** Fewer windows than this give no verdict. */
  minWindows: number;
  /** A window summed up by fewer points than this gives no verdict. */
  minPointsPerWindow: number;
}

/** The fewest windows a verdict is given on: with 6, Sen's 95 % interval spans the 2nd to 14th of 15 pairwise slopes. */
export const MIN_WINDOWS = 6;

/** Windows at the end whose own slope must still exceed the allowance: the last third, at least 3. */
export const tailCount = (windows: number) => Math.max(3, Math.ceil(windows / 3));

/** Medians of the points of each window; `windowOf` says which window a point falls in (or -1). */
export function windowMedians<P>(points: readonly P[], windows: number, windowOf: (p: P) => number, x: (p: P) => number, y: (p: P) => number): WindowPoint[] {
  const buckets = Array.from({ length: windows }, () => [] as P[]);
  for (const p of points) {
    const w = windowOf(p);
    if (w >= 0 && w < windows) buckets[w]!.push(p);
  }
  return buckets.map((b) => ({ x: median(b.map(x)), y: median(b.map(y)), n: b.length }));
}

export function judgeWindows(points: readonly WindowPoint[], allowedPerRequest: number, confidence: number, rules: WindowRules): WindowVerdict {
  const windows = points.length;
  const allowance = formatBytes(allowedPerRequest);
  if (windows < rules.minWindows) {
    return { call: 'inconclusive', suspected: false, windows, reason: `only ${windows} window${windows === 1 ? '' : 's'} measured, at least ${rules.minWindows} are needed to tell a leak from a step` };
  }
  const thin = points.findIndex((p) => p.n < rules.minPointsPerWindow);
  if (thin >= 0) {
    return { call: 'inconclusive', suspected: false, windows, reason: `window ${thin + 1} of ${windows} holds ${points[thin]!.n} memory point${points[thin]!.n === 1 ? '' : 's'}, at least ${rules.minPointsPerWindow} are needed for its median` };
  }
  const fit = theilSen(points.map((p) => p.x), points.map((p) => p.y), confidence);
  const k = tailCount(windows);
  const tail = points.slice(-k);
  const tailSlope = theilSen(tail.map((p) => p.x), tail.map((p) => p.y), confidence).slope;
  const pct = Math.round(confidence * 100);
  const range = `${formatBytes(fit.slope)} per request over ${windows} windows, ${pct}% CI [${formatBytes(fit.ciLow)}, ${formatBytes(fit.ciHigh)}]`;
  const end = `${formatBytes(tailSlope)} per request over the last ${k}`;
  const proven = fit.ciLow > allowedPerRequest;
  const continuing = tailSlope > allowedPerRequest;
  const base = { windows, fit, tailSlope, tailWindows: k };
  if (proven && continuing) return { ...base, call: 'leak', suspected: true, reason: `grows ${range}, still ${end}: above the allowance of ${allowance}` };
  const reason = proven
    ? `grew ${range}, but only ${end}: growth that settled (a step or a pool filling), within the allowance of ${allowance} at the end`
    : fit.ciLow > 0
      ? `grows ${range}: not proven above the allowance of ${allowance}`
      : fit.slope > allowedPerRequest
        ? `${range}: no sustained growth, the interval reaches zero (a step between flat windows reads so)`
        : `no growth above the allowance of ${allowance}: ${range}`;
  return { ...base, call: 'no leak', suspected: false, reason };
}
