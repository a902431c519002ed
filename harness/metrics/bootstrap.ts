// Paired bootstrap of the difference between two systems scored on the same queries: resample
// queries with replacement, keep each query's pair together, and read the confidence interval of
// the mean difference from the percentiles of the resampled means. Seeded, so a run replays.
import { Prng } from '../random.ts';

export interface PairedBootstrap {
  /** Mean of candidate − baseline over the queries. */
  diff: number;
  ciLow: number;
  ciHigh: number;
  confidence: number;
  resamples: number;
  n: number;
}

export const MIN_RESAMPLES = 1000;

/**
 * Confidence intervals for several paired metrics at once, from the same resampled query sets.
 * @param candidate metric → per-query values; baseline the same, aligned by query
 */
export function pairedBootstrap(
  candidate: Record<string, readonly number[]>,
  baseline: Record<string, readonly number[]>,
  opts: { resamples?: number; confidence?: number; seed: number },
): Record<string, PairedBootstrap> {
  const resamples = opts.resamples ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  if (!(resamples >= MIN_RESAMPLES)) throw new Error(`pairedBootstrap: at least ${MIN_RESAMPLES} resamples are needed, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`pairedBootstrap: confidence must be between 0 and 1, got ${confidence}`);
  const names = Object.keys(candidate);
  const diffs = names.map((name) => {
    const c = candidate[name]!;
    const b = baseline[name];
    if (!b || b.length !== c.length) throw new Error(`pairedBootstrap: "${name}" needs the same number of queries on both sides`);
    return Float64Array.from(c, (v, i) => v - b[i]!);
  });
  const n = diffs[0]?.length ?? 0;
  if (n === 0) throw new Error('pairedBootstrap: no queries');

  const means = names.map(() => new Float64Array(resamples));
  const sums = new Float64Array(names.length);
  const prng = new Prng(opts.seed);
  for (let r = 0; r < resamples; r++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      const pick = Math.floor(prng.next() * n);
      for (let m = 0; m < names.length; m++) sums[m]! += diffs[m]![pick]!;
    }
    for (let m = 0; m < names.length; m++) means[m]![r] = sums[m]! / n;
  }

  const alpha = (1 - confidence) / 2;
  const out: Record<string, PairedBootstrap> = {};
  names.forEach((name, m) => {
    const sorted = means[m]!.sort();
    const at = (q: number) => sorted[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
    const d = diffs[m]!;
    out[name] = {
      diff: d.reduce((s, v) => s + v, 0) / n,
      ciLow: at(alpha),
      ciHigh: at(1 - alpha),
      confidence,
      resamples,
      n,
    };
  });
  return out;
}
