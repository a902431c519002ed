// Mann–Whitney U, one-sided, for the canary's latency judge (Kayenta judges each interval the same
// way): is the candidate's latency above `ratio` × the baseline's? Baseline latencies are scaled by
// the ratio, then ranked with the candidate's; the normal approximation with tie correction gives
// p-values for "candidate above" and "candidate below". Nothing here is timed or random.

export interface MannWhitney {
  /** U of the candidate's sample against the scaled baseline's. */
  u: number;
  /** P(the candidate is not above ratio × baseline) — small when the candidate is clearly slower. */
  pAbove: number;
  /** P(the candidate is not below ratio × baseline) — small when the candidate is clearly within it. */
  pBelow: number;
  /** Probability that a candidate latency exceeds a scaled baseline one (U / (n1 n2)). */
  effect: number;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export function mannWhitney(candidate: readonly number[], baseline: readonly number[], ratio = 1): MannWhitney {
  const n1 = candidate.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitney: both samples need at least one value');
  const all = [...candidate.map((v) => ({ v, c: true })), ...baseline.map((v) => ({ v: v * ratio, c: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.c) rankSum += rank;
    i = j + 1;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, pAbove: u > meanU ? 0 : 1, pBelow: u < meanU ? 0 : 1, effect: u / (n1 * n2) };
  const sd = Math.sqrt(variance);
  // Continuity correction of 0.5 toward the mean.
  const zAbove = (u - meanU - 0.5) / sd;
  const zBelow = (u - meanU + 0.5) / sd;
  return { u, pAbove: 1 - normalCdf(zAbove), pBelow: normalCdf(zBelow), effect: u / (n1 * n2) };
}
