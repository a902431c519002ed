// Least-squares slope with a confidence interval, and the leak rule built on it: memory sampled
// against requests served grows by `slope` bytes per request. Memory series are autocorrelated
// (GC sawtooth, allocator pools), so the slope's standard error uses an effective sample size
// from the lag-1 autocorrelation of the residuals; plain OLS would call every sawtooth a leak.
import { formatBytes } from '../format.ts';

export interface SlopeFit {
  /** Change of y per unit of x. */
  slope: number;
  intercept: number;
  ciLow: number;
  ciHigh: number;
  confidence: number;
  /** Points fitted. */
  n: number;
  /** n shrunk by the residuals' lag-1 autocorrelation; the interval uses it. */
  effectiveN: number;
  /** Lag-1 autocorrelation of the residuals (0 when it is negative). */
  autocorrelation: number;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Student t quantile by the Cornish–Fisher expansion around the normal; good to ~1e-3 for df ≥ 3. */
export function studentTQuantile(p: number, df: number): number {
  if (!(df >= 1)) throw new RangeError(`studentTQuantile: df must be ≥ 1, got ${df}`);
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** OLS fit of y on x. Needs at least 3 points and x not all equal. */
export function fitSlope(x: readonly number[], y: readonly number[], confidence = 0.95): SlopeFit {
  const n = x.length;
  if (n !== y.length) throw new Error(`fitSlope: x has ${n} points, y has ${y.length}`);
  if (n < 3) throw new Error(`fitSlope: at least 3 points are needed, got ${n}`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  if (sxx === 0) throw new Error('fitSlope: all x values are equal, no slope can be fitted');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const residuals = x.map((xi, i) => y[i]! - (intercept + slope * xi));
  let sse = 0;
  let lag = 0;
  for (let i = 0; i < n; i++) {
    sse += residuals[i]! ** 2;
    if (i > 0) lag += residuals[i]! * residuals[i - 1]!;
  }
  const rho = sse > 0 ? Math.max(0, Math.min(0.99, lag / sse)) : 0;
  const effectiveN = Math.max(3, (n * (1 - rho)) / (1 + rho));
  // Var(slope) = σ² / Sxx, with σ² from the residuals; correlated residuals carry less
  // information, so scale the variance by n / effectiveN.
  const sigma2 = sse / (n - 2);
  const se = Math.sqrt((sigma2 / sxx) * (n / effectiveN));
  const t = studentTQuantile(1 - (1 - confidence) / 2, Math.max(1, effectiveN - 2));
  return { slope, intercept, ciLow: slope - t * se, ciHigh: slope + t * se, confidence, n, effectiveN, autocorrelation: rho };
}

export interface LeakVerdict {
  fit: SlopeFit;
  /** The interval excludes zero (growth is real) and the slope exceeds the allowance. */
  suspected: boolean;
  reason: string;
}

/**
 * The leak rule: memory grows when the slope's interval lies above zero, and it is a leak when
 * that growth is also more than `allowedPerUnit` (bytes per request). Both are needed: a real
 * but tiny growth (an allocator settling) is not a leak, and a big slope inside the noise is
 * not proven.
 */
export function judgeLeak(x: readonly number[], y: readonly number[], allowedPerUnit: number, confidence = 0.95): LeakVerdict {
  const fit = fitSlope(x, y, confidence);
  const grows = fit.ciLow > 0;
  const big = fit.slope > allowedPerUnit;
  const pct = Math.round(confidence * 100);
  const range = `${formatBytes(fit.slope)} per request, ${pct}% CI [${formatBytes(fit.ciLow)}, ${formatBytes(fit.ciHigh)}]`;
  const reason = grows && big
    ? `grows ${range}: above the allowance of ${formatBytes(allowedPerUnit)}`
    : grows
      ? `grows ${range}, within the allowance of ${formatBytes(allowedPerUnit)}`
      : fit.ciHigh < 0
        ? `shrinks ${range}: no growth`
        : `no growth proven: ${range} includes zero`;
  return { fit, suspected: grows && big, reason };
}

