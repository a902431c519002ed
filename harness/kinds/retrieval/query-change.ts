// What changes for one query when the baseline model is replaced by the candidate: its nDCG@10
// difference, whether it got better, worse or stayed the same (within a tolerance), how many of
// its top 10 documents the two models share, and which queries moved most each way. Pure
// functions of per-query scores and rankings, so the numbers can be checked by hand.
import { median } from '../../metrics/statistics.ts';

export interface QueryChangeSummary {
  /** Candidate minus baseline, per query, in query order. */
  deltas: number[];
  better: number;
  worse: number;
  same: number;
  medianDelta: number;
}

/**
 * @param after the candidate's score per query
 * @param before the baseline's score per query, same order
 * @param sameWithin a difference of at most this (either way) counts as the same
 */
export function summariseDeltas(after: readonly number[], before: readonly number[], sameWithin: number): QueryChangeSummary {
  if (after.length !== before.length) throw new Error(`summariseDeltas: ${after.length} candidate scores against ${before.length} baseline scores`);
  const deltas = after.map((a, i) => a - before[i]!);
  let better = 0;
  let worse = 0;
  for (const d of deltas) {
    if (d > sameWithin) better++;
    else if (d < -sameWithin) worse++;
  }
  return { deltas, better, worse, same: deltas.length - better - worse, medianDelta: deltas.length > 0 ? median(deltas) : Number.NaN };
}

/**
 * |top k of a ∩ top k of b| / k, for two rankings of the same corpus (document indices, best
 * first). A corpus smaller than k divides by its size, so two identical rankings overlap by 1.
 */
export function overlapAtK(a: readonly number[], b: readonly number[], k = 10): number {
  const n = Math.min(k, a.length, b.length);
  if (n === 0) return Number.NaN;
  const top = new Set(a.slice(0, n));
  let shared = 0;
  for (const d of b.slice(0, n)) if (top.has(d)) shared++;
  return shared / n;
}

/**
 * The queries that moved most: up to `count` that got better (largest gain first) and `count`
 * that got worse (largest loss first), each beyond `sameWithin`. Ties keep query order.
 */
export function biggestMovers(deltas: readonly number[], count: number, sameWithin: number): { up: number[]; down: number[] } {
  const order = deltas.map((d, i) => ({ d, i }));
  const up = order.filter((x) => x.d > sameWithin).sort((a, b) => b.d - a.d || a.i - b.i);
  const down = order.filter((x) => x.d < -sameWithin).sort((a, b) => a.d - b.d || a.i - b.i);
  return { up: up.slice(0, count).map((x) => x.i), down: down.slice(0, count).map((x) => x.i) };
}
