import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMetric, formatMs, formatNumber, formatPerSecond, formatRatio, formatScore } from './format.ts';

describe('format', () => {
  it('shows milliseconds in the unit a human reads', () => {
    expect(formatMs(0)).toBe('0 ms');
    expect(formatMs(0.00605)).toBe('6.05 µs');
    expect(formatMs(0.00000085)).toBe('0.85 ns');
    expect(formatMs(0.4213)).toBe('0.421 ms');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(999.4)).toBe('999 ms');
    expect(formatMs(1240)).toBe('1.24 s');
    expect(formatMs(150_000)).toBe('2.5 min');
    expect(formatMs(5_400_000)).toBe('1.5 h');
  });

  it('shows bytes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(12_400_000)).toBe('12.4 MB');
    expect(formatBytes(4_400_000_000)).toBe('4.4 GB');
  });

  it('keeps ratios near 100% apart', () => {
    expect(formatRatio(0.999)).toBe('99.9%');
    expect(formatRatio(0.9995)).toBe('99.95%');
    expect(formatRatio(1)).toBe('100%');
    expect(formatRatio(0.00012)).toBe('0.012%');
  });

  it('formats rates, counts, scores and negatives', () => {
    expect(formatPerSecond(583.2)).toBe('583/s');
    expect(formatPerSecond(12_345.6)).toBe('12,346/s');
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect(formatScore(0.999493)).toBe('0.999493');
    expect(formatScore(0.99893)).toBe('0.99893'); // not 0.999, which a threshold of 0.999 would seem to meet
    expect(formatNumber(-12.34)).toBe('-12.3');
    expect(formatMetric({ value: 0.05, unit: 'ratio' })).toBe('5%');
  });
});
