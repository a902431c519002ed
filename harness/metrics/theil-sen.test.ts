import { describe, expect, it } from 'vitest';
import { theilSen } from './theil-sen.ts';

describe('theilSen', () => {
  it('recovers an exact line, with an interval of zero width', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const fit = theilSen(x, x.map((v) => 3 * v + 7));
    expect(fit).toMatchObject({ slope: 3, intercept: 7, ciLow: 3, ciHigh: 3, n: 8 });
  });

  it('is not moved by one wild point, where least squares would be', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const y = x.map((v) => 2 * v);
    y[8] = 1000;
    expect(theilSen(x, y).slope).toBe(2);
  });

  it('takes the interval from the order statistics Sen gives: 2nd to 14th of the 15 slopes of 6 points at 95 %', () => {
    const x = [0, 1, 2, 3, 4, 5];
    const y = [0, 5, 1, 9, 2, 4];
    const slopes: number[] = [];
    for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) slopes.push((y[j]! - y[i]!) / (x[j]! - x[i]!));
    slopes.sort((a, b) => a - b);
    const fit = theilSen(x, y, 0.95);
    expect(fit.slope).toBe(slopes[7]);
    expect(fit.ciLow).toBe(slopes[1]);
    expect(fit.ciHigh).toBe(slopes[13]);
  });

  it('reads a single step between flat stretches as an interval that reaches zero', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const fit = theilSen(x, x.map((v) => (v < 4 ? 10 : 14)));
    expect(fit.slope).toBeGreaterThan(0); // half the pairs straddle the step ...
    expect(fit.ciLow).toBe(0); // ... but the flat pairs pull the lower bound to zero
  });

  it('refuses too few points and a single x value', () => {
    expect(() => theilSen([1, 2], [1, 2])).toThrow(/at least 3/);
    expect(() => theilSen([1, 1, 1], [1, 2, 3])).toThrow(/all x values are equal/);
    expect(() => theilSen([1, 2, 3], [1, 2])).toThrow(/x has 3 points, y has 2/);
  });
});
