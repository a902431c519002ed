// The computations behind "what users will see change": per-query differences, top-10 overlap,
// the biggest movers, and the threshold search, each against numbers worked out by hand or by
// brute force over the raw (score, relevant) pairs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayHistogram, edgeOf, SCORE_BINS, ScoreHistogram } from './calibration.ts';
import { biggestMovers, overlapAtK, summariseDeltas } from './query-change.ts';

type Pair = [score: number, relevant: boolean];

const histogramOf = (pairs: Pair[], watch: number[] = []) => {
  const h = new ScoreHistogram(watch);
  for (const [s, r] of pairs) h.add(s, r);
  return h;
};

/** Precision of the pairs scoring at least t, straight from the pairs. */
const bruteForcePrecision = (pairs: Pair[], t: number): number | undefined => {
  const kept = pairs.filter(([s]) => s >= t);
  return kept.length === 0 ? undefined : kept.filter(([, r]) => r).length / kept.length;
};

describe('summariseDeltas', () => {
  it('counts better, worse and same with the tolerance inclusive, and takes the median difference', () => {
    const s = summariseDeltas([1, 0.5, 0.63, 0.3, 0], [0.5, 0.5, 0.625, 0.6, 0.01], 0.01);
    expect(s.deltas.map((d) => Number(d.toFixed(3)))).toEqual([0.5, 0, 0.005, -0.3, -0.01]);
    expect([s.better, s.worse, s.same]).toEqual([1, 1, 3]); // -0.01 is within 0.01: the same
    expect(s.medianDelta).toBeCloseTo(0, 10);
  });

  it('refuses score lists of different lengths', () => {
    expect(() => summariseDeltas([1], [1, 2], 0)).toThrow(/1 candidate scores against 2/);
  });
});

describe('overlapAtK', () => {
  it('is the share of the top 10 both rankings hold, whatever their order', () => {
    const a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(overlapAtK(a, [...a].reverse().slice(2))).toBe(1); // 9..0: the same ten, reversed
    expect(overlapAtK(a, [9, 8, 7, 20, 21, 22, 23, 24, 25, 26])).toBe(0.3);
    expect(overlapAtK(a, [0, 1, 2, 3, 4, 5, 6, 7, 8, 10])).toBe(0.9); // 10 is 11th in a
  });

  it('divides by the corpus when it holds fewer than 10 documents', () => {
    expect(overlapAtK([2, 0, 1], [0, 1, 2])).toBe(1);
    expect(overlapAtK([2, 0, 1, 3], [0, 1, 4, 5])).toBe(0.5);
  });
});

describe('biggestMovers', () => {
  it('takes the largest gains and losses beyond the tolerance, ties in query order', () => {
    const deltas = [0.2, -0.5, 0.005, 0.6, -0.5, 0.2, -0.02, 0.01];
    expect(biggestMovers(deltas, 2, 0.01)).toEqual({ up: [3, 0], down: [1, 4] });
    expect(biggestMovers(deltas, 10, 0.01)).toEqual({ up: [3, 0, 5], down: [1, 4, 6] });
    expect(biggestMovers(deltas, 0, 0.01)).toEqual({ up: [], down: [] });
  });
});

describe('ScoreHistogram threshold search', () => {
  // Baseline: 4 relevant and 6 irrelevant pairs; at its threshold 0.5 it keeps 3 relevant of 4 kept.
  const baseline: Pair[] = [[0.9, true], [0.8, true], [0.6, false], [0.55, true], [0.45, true], [0.4, false], [0.3, false], [0.2, false], [0.1, false], [0.05, false]];
  // Candidate: scores lower overall, and an irrelevant pair at the very top.
  const candidate: Pair[] = [[0.7, false], [0.62, true], [0.6, true], [0.5, true], [0.41, false], [0.38, true], [0.33, false], [0.3, false], [0.1, false], [0.0, false]];

  it('counts a given threshold exactly, edge or not', () => {
    const b = histogramOf(baseline, [0.5, 0.42]);
    expect(b.at(0.5)).toEqual({ threshold: 0.5, precision: 0.75, recall: 0.75, kept: 4 });
    expect(b.at(0.42)).toMatchObject({ precision: 0.8, recall: 1, kept: 5 });
  });

  it("finds the candidate's lowest cut-off that keeps the baseline's precision, and the precision really is kept", () => {
    const target = histogramOf(baseline, [0.5]).at(0.5).precision!;
    const found = histogramOf(candidate).lowestThresholdWithPrecision(target)!;
    expect(found).toBeDefined();
    // From the pairs themselves: at the found cut-off the candidate keeps 0.75 (0.7, 0.62, 0.6, 0.5);
    // one bin lower it would take 0.41 in too and fall to 0.6.
    expect(bruteForcePrecision(candidate, found.threshold)).toBeGreaterThanOrEqual(target);
    expect(found.precision).toBe(bruteForcePrecision(candidate, found.threshold));
    expect(found.threshold).toBeGreaterThan(0.41);
    expect(found.threshold).toBeLessThanOrEqual(0.5);
    expect(found.recall).toBe(0.75);
    // Not a carried-over threshold: at the baseline's own 0.5 the answer happens to match here, at 0.55 it would not.
    expect(bruteForcePrecision(candidate, 0.55)).toBeCloseTo(2 / 3);
  });

  it('says no threshold when the candidate cannot reach the precision', () => {
    const inverted: Pair[] = [[0.9, false], [0.8, false], [0.7, true], [0.6, false], [0.5, true]];
    const h = histogramOf(inverted);
    expect(h.lowestThresholdWithPrecision(0.75)).toBeUndefined();
    expect(h.bestPrecision()).toBeCloseTo(0.4);
  });

  it('on any pairs: the found cut-off keeps the precision and no lower edge does', () => {
    // Float32 scores as the ranking computes them, and scores sitting exactly on bin edges.
    const score = fc.oneof(fc.float({ min: Math.fround(-1), max: Math.fround(1), noNaN: true }), fc.integer({ min: -1024, max: 1024 }).map((i) => i / 1024));
    const pair = fc.tuple(score, fc.boolean());
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 60 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (pairs, wanted) => {
        const h = histogramOf(pairs as Pair[]);
        const found = h.lowestThresholdWithPrecision(wanted);
        const edges = Array.from({ length: SCORE_BINS }, (_, i) => edgeOf(i));
        const reaching = edges.filter((t) => (bruteForcePrecision(pairs as Pair[], t) ?? -1) >= wanted);
        if (reaching.length === 0) return found === undefined;
        return found !== undefined && found.threshold === reaching[0] && found.precision === bruteForcePrecision(pairs as Pair[], found.threshold);
      }),
      { numRuns: 200, seed: 16 },
    );
  });

  it('draws bounded histograms whose shares sum to 1 per class', () => {
    const h = histogramOf([...baseline, ...candidate]);
    const d = displayHistogram(h, h.min, h.max, 40);
    expect(d.x.length).toBeLessThanOrEqual(40);
    expect(d.relevant.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(d.irrelevant.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });
});
