// Mann–Whitney U test of two independent samples (per-window values, per-run values): does one
// side tend to give larger values than the other? Rank-based, so one wild window cannot decide it.
// Exact distribution for small samples without ties (where the normal approximation is poor),
// normal approximation with tie and continuity correction otherwise.

export interface MannWhitney {
  /** U of sample a: the number of (a, b) pairs with a > b, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'normal';
}

/** Largest n1·n2 for which the exact distribution is counted. */
const EXACT_MAX_PRODUCT = 900;

/** Counts of each U value for sample sizes m and n (no ties): c(u; m, n) = c(u − n; m − 1, n) + c(u; m, n − 1). */
function exactCounts(m: number, n: number): Float64Array {
  // table[i][j] for i ≤ m, j ≤ n, filled row by row.
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => Float64Array.of(1)); // i = 0: U is always 0
  for (let i = 1; i <= m; i++) {
    const row: Float64Array[] = [Float64Array.of(1)]; // j = 0: U is always 0
    for (let j = 1; j <= n; j++) {
      const out = new Float64Array(i * j + 1);
      const left = prev[j]!; // (i − 1, j), shifted by j
      for (let u = 0; u < left.length; u++) out[u + j]! += left[u]!;
      const down = row[j - 1]!; // (i, j − 1)
      for (let u = 0; u < down.length; u++) out[u]! += down[u]!;
      row.push(out);
    }
    prev = row;
  }
  return prev[n]!;
}

/** Standard normal upper tail, from erfc (Abramowitz–Stegun 7.1.26, error below 1.5e-7). */
function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitney: both samples need at least one value');
  const all = [...a.map((v) => ({ v, side: 0 })), ...b.map((v) => ({ v, side: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Float64Array(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  let rankSumA = 0;
  all.forEach((x, i) => {
    if (x.side === 0) rankSumA += ranks[i]!;
  });
  const u = rankSumA - (n1 * (n1 + 1)) / 2;

  if (tieTerm === 0 && n1 * n2 <= EXACT_MAX_PRODUCT) {
    const counts = exactCounts(n1, n2);
    const total = counts.reduce((s, c) => s + c, 0);
    let below = 0;
    let above = 0;
    counts.forEach((c, k) => {
      if (k <= u) below += c;
      if (k >= u) above += c;
    });
    return { u, p: Math.min(1, (2 * Math.min(below, above)) / total), method: 'exact' };
  }
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, method: 'normal' }; // every value tied: nothing tells the sides apart
  const z = Math.max(0, Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalUpperTail(z)), method: 'normal' };
}
