import { describe, expect, it } from 'vitest';
import { Prng } from '../random.ts';
import { nonInferiorityUndecided } from '../kinds/retrieval/runner.ts';
import { pairedBootstrap } from './bootstrap.ts';

/** Per-query scores in [0, 1] like nDCG: many zeros and ones, some in between. */
function scores(n: number, seed: number): number[] {
  const prng = new Prng(seed);
  return Array.from({ length: n }, () => {
    const u = prng.next();
    return u < 0.3 ? 0 : u > 0.7 ? 1 : prng.next();
  });
}

describe('pairedBootstrap', () => {
  const n = 600;
  const baseline = scores(n, 1);

  it('catches a planted drop of 0.05: the whole interval lies below −0.01', () => {
    // Each query loses 0.05 on average, with query-level noise.
    const prng = new Prng(2);
    const candidate = baseline.map((v) => Math.min(1, Math.max(0, v - 0.05 + (prng.next() - 0.5) * 0.2)));
    const ci = pairedBootstrap({ ndcg: candidate }, { ndcg: baseline }, { seed: 7 }).ndcg!;
    expect(ci.diff).toBeLessThan(-0.03);
    expect(ci.ciHigh).toBeLessThan(-0.01);
    expect(ci.ciLow).toBeLessThan(ci.diff);
    expect(nonInferiorityUndecided(ci, 0.01, 'ndcg')).toBeUndefined(); // decided: worse
  });

  it('does not flag a candidate that only reshuffles which queries win', () => {
    // Same distribution, paired noise with mean zero: half the queries gain what the others lose.
    const candidate = baseline.map((v, i) => v + (i % 2 === 0 ? 0.1 : -0.1));
    const ci = pairedBootstrap({ ndcg: candidate }, { ndcg: baseline }, { seed: 7 }).ndcg!;
    expect(ci.diff).toBeCloseTo(0, 10);
    expect(ci.ciLow).toBeLessThan(0);
    expect(ci.ciHigh).toBeGreaterThan(0);
    expect(ci.ciLow).toBeGreaterThan(-0.01); // with 600 queries the interval is narrower than the margin
  });

  it('an identical candidate has a zero-width interval at 0', () => {
    const ci = pairedBootstrap({ ndcg: baseline }, { ndcg: baseline }, { seed: 1 }).ndcg!;
    expect([ci.diff, ci.ciLow, ci.ciHigh]).toEqual([0, 0, 0]);
  });

  it('is reproducible for a seed and uses the same resamples for every metric', () => {
    const c = baseline.map((v, i) => (i % 3 === 0 ? 1 - v : v));
    const a = pairedBootstrap({ m1: c, m2: c }, { m1: baseline, m2: baseline }, { seed: 3 });
    const b = pairedBootstrap({ m1: c, m2: c }, { m1: baseline, m2: baseline }, { seed: 3 });
    expect(a).toEqual(b);
    expect(a.m1).toEqual(a.m2);
    const other = pairedBootstrap({ m1: c }, { m1: baseline }, { seed: 4 });
    expect(other.m1!.ciLow).not.toBe(a.m1!.ciLow);
  });

  it('a wider confidence gives a wider interval', () => {
    const c = scores(n, 9);
    const narrow = pairedBootstrap({ m: c }, { m: baseline }, { seed: 1, confidence: 0.8 }).m!;
    const wide = pairedBootstrap({ m: c }, { m: baseline }, { seed: 1, confidence: 0.99 }).m!;
    expect(wide.ciHigh - wide.ciLow).toBeGreaterThan(narrow.ciHigh - narrow.ciLow);
  });

  it('refuses fewer than 1000 resamples and unpaired inputs', () => {
    expect(() => pairedBootstrap({ m: [1] }, { m: [1] }, { seed: 1, resamples: 100 })).toThrow(/1000/);
    expect(() => pairedBootstrap({ m: [1, 2] }, { m: [1] }, { seed: 1 })).toThrow(/same number/);
  });
});

describe('nonInferiorityUndecided', () => {
  const ci = (ciLow: number, ciHigh: number) => ({ diff: (ciLow + ciHigh) / 2, ciLow, ciHigh, confidence: 0.95, resamples: 2000, n: 100 });

  it('is decided when the interval lies above −margin (non-inferior) or below it (worse)', () => {
    expect(nonInferiorityUndecided(ci(-0.005, 0.03), 0.01, 'ndcg_at_10')).toBeUndefined();
    expect(nonInferiorityUndecided(ci(-0.08, -0.02), 0.01, 'ndcg_at_10')).toBeUndefined();
  });

  it('is undecided when the interval contains −margin, and says how many queries would do', () => {
    const why = nonInferiorityUndecided(ci(-0.04, 0.02), 0.01, 'ndcg_at_10');
    expect(why).toMatch(/contains the margin −0.01/);
    // diff −0.01 is the margin itself: no number of queries decides it.
    expect(why).toMatch(/sits on the margin/);
    // diff 0.005, half-width 0.03, 0.015 from the margin: the interval must halve → 4x the 100 queries.
    expect(nonInferiorityUndecided(ci(-0.025, 0.035), 0.01, 'ndcg_at_10')).toMatch(/about 400 queries/);
  });
});
