// Theil–Sen slope with Sen's confidence interval: the median of the slopes between every pair of
// points (Theil 1950, Sen 1968). One point far off moves it little (breakdown point 29 %), and a
// single step in a series gives many pairs of slope zero, which a least-squares line would average
// into a slope. The interval is distribution-free: its ends are order statistics of the pairwise
// slopes, picked with the variance of Kendall's S (Hollander & Wolfe, Nonparametric Statistical
// Methods, §9.4).
import { normalQuantile } from './regression.ts';

export interface RobustSlope {
  /** Median of the pairwise slopes. */
  slope: number;
  /** Median of y - slope·x, so the line passes through the middle of the points. */
  intercept: number;
  ciLow: number;
  ciHigh: number;
  confidence: number;
  /** Points fitted. */
  n: number;
}

function medianOfSorted(s: readonly number[]): number {
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Theil–Sen fit of y on x. Needs at least 3 points with at least 2 distinct x values. */
export function theilSen(x: readonly number[], y: readonly number[], confidence = 0.95): RobustSlope {
  const n = x.length;
  if (n !== y.length) throw new Error(`theilSen: x has ${n} points, y has ${y.length}`);
  if (n < 3) throw new Error(`theilSen: at least 3 points are needed, got ${n}`);
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (x[j] !== x[i]) slopes.push((y[j]! - y[i]!) / (x[j]! - x[i]!));
  if (slopes.length === 0) throw new Error('theilSen: all x values are equal, no slope can be fitted');
  slopes.sort((a, b) => a - b);
  const slope = medianOfSorted(slopes);
  const intercept = medianOfSorted(x.map((xi, i) => y[i]! - slope * xi).sort((a, b) => a - b));
  // Var(S) = n(n-1)(2n+5)/18 under no trend; C = z·sqrt(Var S); the interval runs from the
  // M1-th to the (M2+1)-th ordered slope, M1 = (N-C)/2, M2 = (N+C)/2. Rounded outwards, so the
  // interval is never narrower than its confidence says (with 6 points at 95 %: 2nd to 14th of 15).
  const N = slopes.length;
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18);
  const lo = Math.max(1, Math.floor((N - c) / 2));
  const hi = Math.min(N, Math.ceil((N + c) / 2) + 1);
  return { slope, intercept, ciLow: slopes[lo - 1]!, ciHigh: slopes[hi - 1]!, confidence, n };
}
