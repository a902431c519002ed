// Bootstrap interval of the relative change of a statistic between two independent samples (run
// A's bench calls against run B's): resample each side with replacement, take the statistic of
// each, and read the interval of stat(B) / stat(A) − 1 from the resampled ratios. Seeded.
// Each resample draws indices into the sorted sample and walks the counts, so it needs no sort.
import { Prng } from '../random.ts';

/** A percentile (0..100) of the calls, their mean, or calls per second (1 / mean). */
export type Statistic = { percentile: number } | 'mean' | 'rate';

export interface RatioInterval {
  /** stat(B) / stat(A) − 1 on the samples themselves. */
  change: number;
  low: number;
  high: number;
  confidence: number;
  resamples: number;
}

function statOfCounts(sorted: Float64Array, counts: Uint32Array, n: number, stat: Statistic): number {
  if (stat === 'mean' || stat === 'rate') {
    let sum = 0;
    for (let i = 0; i < sorted.length; i++) sum += sorted[i]! * counts[i]!;
    return stat === 'mean' ? sum / n : n / sum;
  }
  // Nearest rank, as harness/metrics/statistics.ts's percentileOfSorted.
  const rank = Math.min(n, Math.max(1, Math.ceil((stat.percentile / 100) * n)));
  let seen = 0;
  for (let i = 0; i < sorted.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return sorted[i]!;
  }
  return sorted[sorted.length - 1]!;
}

function statOf(sorted: Float64Array, stat: Statistic): number {
  return statOfCounts(sorted, new Uint32Array(sorted.length).fill(1), sorted.length, stat);
}

export function bootstrapRatio(
  a: readonly number[],
  b: readonly number[],
  stat: Statistic,
  opts: { seed: number; resamples?: number; confidence?: number },
): RatioInterval {
  const resamples = opts.resamples ?? 2000;
  const confidence = opts.confidence ?? 0.95;
  if (a.length === 0 || b.length === 0) throw new Error('bootstrapRatio: both samples need values');
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const prng = new Prng(opts.seed);
  const ca = new Uint32Array(sa.length);
  const cb = new Uint32Array(sb.length);
  const draw = (sorted: Float64Array, counts: Uint32Array) => {
    counts.fill(0);
    for (let i = 0; i < sorted.length; i++) counts[Math.floor(prng.next() * sorted.length)]!++;
    return statOfCounts(sorted, counts, sorted.length, stat);
  };
  const ratios = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) ratios[r] = draw(sb, cb) / draw(sa, ca) - 1;
  ratios.sort();
  const alpha = (1 - confidence) / 2;
  const at = (q: number) => ratios[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { change: statOf(sb, stat) / statOf(sa, stat) - 1, low: at(alpha), high: at(1 - alpha), confidence, resamples };
}
