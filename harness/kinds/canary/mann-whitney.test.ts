// The latency judge's statistic: known values, symmetry, and the one-sided answers it is used for.
import { describe, expect, it } from 'vitest';
import { mannWhitney, normalCdf } from './mann-whitney.ts';

describe('mannWhitney', () => {
  it('normal CDF matches known points', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
    expect(normalCdf(-2.054)).toBeCloseTo(0.02, 3);
  });

  it('U counts the pairs where the candidate is above', () => {
    // Every candidate value above every baseline value: U = n1 n2.
    expect(mannWhitney([10, 11, 12], [1, 2]).u).toBe(6);
    expect(mannWhitney([1, 2], [10, 11, 12]).u).toBe(0);
    expect(mannWhitney([1, 2, 3], [1, 2, 3]).effect).toBeCloseTo(0.5, 9);
  });

  it('says "above 5×" for a candidate 8× slower, "below" for one 1.4× slower, and neither with too little evidence', () => {
    const base = Array.from({ length: 200 }, (_, i) => 10 + (i % 20));
    const slow = Array.from({ length: 30 }, (_, i) => 8 * (10 + ((i * 7) % 20)));
    const fine = Array.from({ length: 30 }, (_, i) => 1.4 * (10 + ((i * 7) % 20)));
    expect(mannWhitney(slow, base, 5).pAbove).toBeLessThan(0.001);
    expect(mannWhitney(slow, base, 5).pBelow).toBeGreaterThan(0.99);
    expect(mannWhitney(fine, base, 5).pBelow).toBeLessThan(0.001);
    const near = mannWhitney([50, 52], [10, 11], 5);
    expect(near.pAbove).toBeGreaterThan(0.02);
    expect(near.pBelow).toBeGreaterThan(0.02);
  });
});
