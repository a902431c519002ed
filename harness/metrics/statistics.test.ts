// The shared descriptive statistics: exact values on small arrays, and the empty case.
import { describe, expect, it } from 'vitest';
import { mean, median, percentileOfSorted } from './statistics.ts';

describe('statistics', () => {
  it('median: the middle value, the mean of the two middle ones, NaN for none; the input is left as it was', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('percentileOfSorted: nearest rank', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentileOfSorted(sorted, 50)).toBe(10);
    expect(percentileOfSorted(sorted, 95)).toBe(19);
    expect(percentileOfSorted(sorted, 100)).toBe(20);
    expect(percentileOfSorted(sorted, 0)).toBe(1);
    expect(percentileOfSorted([], 50)).toBeNaN();
  });

  it('mean', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(mean([])).toBeNaN();
  });
});
