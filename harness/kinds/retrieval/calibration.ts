// Score calibration of one model: how the cosine scores of relevant and irrelevant (query,
// document) pairs are distributed, and where a cut-off ("show results scoring at least t") lands
// in precision and recall. Every pair a suite scores is counted in fixed bins, so memory stays
// the same however large the corpus, and the counts at each bin edge are exact: the bins are
// 1/1024 of a cosine wide, so every edge is a float exactly, and a score that rounding in
// (score + 1) would put across an edge is moved back, so a pair never lands on the wrong side of
// one. Thresholds found by search are bin edges; a threshold a suite gives is counted exactly.

/** Fine bins over [-1, 1]; a threshold found by search is one of their edges. */
export const SCORE_BINS = 2048;
const PER_UNIT = SCORE_BINS / 2;

/** The lower edge of fine bin i, as a cosine. */
export const edgeOf = (bin: number): number => bin / PER_UNIT - 1;

function binOf(score: number): number {
  let bin = Math.floor((score + 1) * PER_UNIT);
  // score + 1 rounds: -1e-45 + 1 is 1. Put the score on the side of the edge it really is on.
  if (score < edgeOf(bin)) bin--;
  else if (score >= edgeOf(bin + 1)) bin++;
  return Math.min(SCORE_BINS - 1, Math.max(0, bin));
}

export interface ThresholdPoint {
  /** Cosine cut-off: a pair is kept when its score is at least this. */
  threshold: number;
  /** Kept pairs that are relevant; undefined when no pair is kept. */
  precision: number | undefined;
  /** Relevant pairs that are kept. */
  recall: number;
  kept: number;
}

export class ScoreHistogram {
  readonly relevant = new Float64Array(SCORE_BINS);
  readonly irrelevant = new Float64Array(SCORE_BINS);
  relevantPairs = 0;
  irrelevantPairs = 0;
  min = Infinity;
  max = -Infinity;
  private readonly watched: { threshold: number; kept: number; relevant: number }[];

  /** @param watch thresholds counted exactly (a suite's given threshold), besides the bins. */
  constructor(watch: readonly number[] = []) {
    this.watched = watch.map((threshold) => ({ threshold, kept: 0, relevant: 0 }));
  }

  add(score: number, isRelevant: boolean): void {
    if (!Number.isFinite(score)) return; // an invalid vector is counted by the vector hygiene, not here
    const bin = binOf(score);
    if (isRelevant) {
      this.relevant[bin]!++;
      this.relevantPairs++;
    } else {
      this.irrelevant[bin]!++;
      this.irrelevantPairs++;
    }
    if (score < this.min) this.min = score;
    if (score > this.max) this.max = score;
    for (const w of this.watched) {
      if (score >= w.threshold) {
        w.kept++;
        if (isRelevant) w.relevant++;
      }
    }
  }

  /** Precision and recall at a watched threshold (exact), else of the pairs from the first bin edge at or above it (exact at an edge). */
  at(threshold: number): ThresholdPoint {
    const w = this.watched.find((x) => x.threshold === threshold);
    if (w) return point(threshold, w.relevant, w.kept, this.relevantPairs);
    let relevant = 0;
    let kept = 0;
    for (let i = SCORE_BINS - 1; i >= 0 && edgeOf(i) >= threshold; i--) {
      relevant += this.relevant[i]!;
      kept += this.relevant[i]! + this.irrelevant[i]!;
    }
    return point(threshold, relevant, kept, this.relevantPairs);
  }

  /**
   * The lowest bin edge whose precision is at least `precision`: the cut-off that keeps that
   * precision with the most recall. Undefined when no edge reaches it (no made-up threshold).
   */
  lowestThresholdWithPrecision(precision: number): ThresholdPoint | undefined {
    let relevant = 0;
    let kept = 0;
    let best: ThresholdPoint | undefined;
    for (let i = SCORE_BINS - 1; i >= 0; i--) {
      relevant += this.relevant[i]!;
      kept += this.relevant[i]! + this.irrelevant[i]!;
      if (kept > 0 && relevant / kept >= precision) best = point(edgeOf(i), relevant, kept, this.relevantPairs);
    }
    return best;
  }

  /** The highest precision any bin edge gives (0 when no pair was counted). */
  bestPrecision(): number {
    let relevant = 0;
    let kept = 0;
    let best = 0;
    for (let i = SCORE_BINS - 1; i >= 0; i--) {
      relevant += this.relevant[i]!;
      kept += this.relevant[i]! + this.irrelevant[i]!;
      if (kept > 0) best = Math.max(best, relevant / kept);
    }
    return best;
  }
}

function point(threshold: number, relevant: number, kept: number, relevantPairs: number): ThresholdPoint {
  return { threshold, precision: kept > 0 ? relevant / kept : undefined, recall: relevantPairs > 0 ? relevant / relevantPairs : 0, kept };
}

/** A chart-sized histogram: x the bin centres, y each class's share of its pairs per bin. */
export interface DisplayHistogram {
  x: number[];
  relevant: number[];
  irrelevant: number[];
  binWidth: number;
}

/**
 * The fine bins between `from` and `to` (cosines, shared by the models drawn side by side)
 * merged into at most `maxBins` bins.
 */
export function displayHistogram(hist: ScoreHistogram, from: number, to: number, maxBins = 40): DisplayHistogram {
  const lo = binOf(from);
  const hi = binOf(to);
  const group = Math.max(1, Math.ceil((hi - lo + 1) / maxBins));
  const out: DisplayHistogram = { x: [], relevant: [], irrelevant: [], binWidth: group / PER_UNIT };
  for (let start = lo; start <= hi; start += group) {
    let r = 0;
    let n = 0;
    for (let i = start; i < Math.min(start + group, SCORE_BINS); i++) {
      r += hist.relevant[i]!;
      n += hist.irrelevant[i]!;
    }
    out.x.push(edgeOf(start) + group / PER_UNIT / 2);
    out.relevant.push(hist.relevantPairs > 0 ? r / hist.relevantPairs : 0);
    out.irrelevant.push(hist.irrelevantPairs > 0 ? n / hist.irrelevantPairs : 0);
  }
  return out;
}
