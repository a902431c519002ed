import { describe, expect, it } from 'vitest';
import type { MemorySample } from '../../probes/memory-sampler.ts';
import { afterGcPoints, fitLeaks } from './leaks.ts';

const MB = 1024 * 1024;
/** A sample at `x` requests; wobble keeps the residuals non-zero, as real memory does. */
const sample = (x: number, over: Partial<MemorySample> = {}): MemorySample => ({
  t: x, x, rss: 300 * MB, anon: 200 * MB + (x % 3) * 1000, file: 100 * MB, heap: 50 * MB + (x % 2) * 500, pids: 2, ...over,
});

describe('afterGcPoints', () => {
  it('keeps one point per new after-GC measurement, and none when a sample lacks one', () => {
    const s = [sample(0, { heapAfterGc: 1, anonAfterGc: 1 }), sample(10, { heapAfterGc: 1, anonAfterGc: 1 }), sample(20, { heapAfterGc: 2, anonAfterGc: 1 })];
    expect(afterGcPoints(s).map((p) => p.x)).toEqual([0, 20]);
    expect(afterGcPoints([...s, sample(30)])).toEqual([]);
  });
});

describe('fitLeaks', () => {
  it('finds a heap that grows 4 kB per request after GC, and no leak in a flat anonymous RSS', () => {
    const samples = Array.from({ length: 40 }, (_, i) => {
      const x = i * 50;
      return sample(x, { heapAfterGc: 40 * MB + 4096 * x + (i % 2) * 300, anonAfterGc: 150 * MB + (i % 3) * 200 });
    });
    const fits = fitLeaks(samples, 1024, 0.95);
    expect(fits.series.heap?.basis).toBe('after forced GC');
    expect(fits.series.heap?.x).toHaveLength(40);
    expect(fits.leaks.heap?.suspected).toBe(true);
    expect(fits.leaks.heap?.fit.slope).toBeCloseTo(4096, -1);
    expect(fits.leaks.anon?.suspected).toBe(false);
  });

  it('falls back to raw samples when the target has no heap probe, and judges growth within the allowance as no leak', () => {
    const samples = Array.from({ length: 30 }, (_, i) => sample(i * 100, { anon: 200 * MB + 500 * i * 100 + (i % 2) * 2000 }));
    const fits = fitLeaks(samples, 1024, 0.95);
    expect(fits.series.anon?.basis).toBe('raw samples');
    expect(fits.leaks.anon?.fit.ciLow).toBeGreaterThan(0); // it grows ...
    expect(fits.leaks.anon?.suspected).toBe(false); // ... by 500 B per request, under 1 kB
  });

  it('gives no verdict on too few points', () => {
    const fits = fitLeaks([sample(0), sample(10), sample(20), sample(30)], 1024, 0.95);
    expect(fits.leaks).toEqual({});
    expect(fits.series).toEqual({});
  });
});
