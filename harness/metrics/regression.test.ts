import { describe, expect, it } from 'vitest';
import { Prng } from '../random.ts';
import { fitSlope, judgeLeak, normalQuantile, studentTQuantile } from './regression.ts';

const MiB = 1024 * 1024;

/** Memory sampled every 20 requests: a base, a GC sawtooth, noise, and an optional leak. */
function series(opts: { seed: number; points: number; leakPerRequest: number; noise: number }) {
  const rng = new Prng(opts.seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < opts.points; i++) {
    const requests = i * 20;
    const sawtooth = ((i % 15) / 15) * 4 * MiB; // the heap fills, a GC empties it
    x.push(requests);
    y.push(200 * MiB + sawtooth + rng.gaussian() * opts.noise + opts.leakPerRequest * requests);
  }
  return { x, y };
}

describe('quantiles', () => {
  it('match tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959964, 5);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 2);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 2);
  });
});

describe('fitSlope', () => {
  it('recovers an exact line with a zero-width interval', () => {
    const x = [0, 1, 2, 3, 4];
    const fit = fitSlope(x, x.map((v) => 3 * v + 7));
    expect(fit.slope).toBeCloseTo(3, 10);
    expect(fit.intercept).toBeCloseTo(7, 10);
    expect(fit.ciHigh - fit.ciLow).toBeCloseTo(0, 8);
  });

  it('refuses what cannot be fitted', () => {
    expect(() => fitSlope([1, 2], [1, 2])).toThrow(/at least 3/);
    expect(() => fitSlope([1, 1, 1], [1, 2, 3])).toThrow(/all x values are equal/);
  });
});

describe('judgeLeak', () => {
  it('flags a planted leak of 4 KiB per request in a noisy sawtooth', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { x, y } = series({ seed, points: 120, leakPerRequest: 4096, noise: 1 * MiB });
      const verdict = judgeLeak(x, y, 1024);
      expect(verdict.suspected, verdict.reason).toBe(true);
      expect(verdict.fit.ciLow).toBeGreaterThan(1024);
      expect(verdict.fit.ciLow).toBeLessThan(4096);
      expect(verdict.fit.ciHigh).toBeGreaterThan(4096);
    }
  });

  it('does not flag a flat noisy sawtooth', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { x, y } = series({ seed, points: 120, leakPerRequest: 0, noise: 1 * MiB });
      const verdict = judgeLeak(x, y, 1024);
      expect(verdict.suspected, verdict.reason).toBe(false);
    }
  });

  it('does not flag real growth below the allowance', () => {
    const rng = new Prng(9);
    const x = Array.from({ length: 200 }, (_, i) => i * 20);
    const y = x.map((requests) => 200 * MiB + 64 * requests + rng.gaussian() * 1024);
    const verdict = judgeLeak(x, y, 1024);
    expect(verdict.fit.ciLow).toBeGreaterThan(0);
    expect(verdict.suspected).toBe(false);
    expect(verdict.reason).toMatch(/within the allowance/);
  });

  it('says memory that provably shrinks shrinks, instead of "includes zero"', () => {
    const rng = new Prng(11);
    const x = Array.from({ length: 60 }, (_, i) => i * 20);
    const y = x.map((requests) => 300 * MiB - 8192 * requests + rng.gaussian() * 1024);
    const verdict = judgeLeak(x, y, 1024);
    expect(verdict.fit.ciHigh).toBeLessThan(0);
    expect(verdict.suspected).toBe(false);
    expect(verdict.reason).toMatch(/^shrinks .*: no growth$/);
  });

  it('widens the interval for autocorrelated residuals', () => {
    const { x, y } = series({ seed: 3, points: 120, leakPerRequest: 0, noise: 0.1 * MiB });
    const fit = fitSlope(x, y);
    expect(fit.autocorrelation).toBeGreaterThan(0.5);
    expect(fit.effectiveN).toBeLessThan(fit.n / 2);
  });
});
