import { describe, expect, it } from 'vitest';
import type { MemorySample } from '../../probes/memory-sampler.ts';
import { afterGcPoints, fitLeaks, windowIndex, type MemoryWindowSpan } from './leaks.ts';

const MB = 1024 * 1024;
/** A sample at `x` requests and `t` ms; wobble keeps the series from being exactly flat, as real memory is not. */
const sample = (x: number, t: number, over: Partial<MemorySample> = {}): MemorySample => ({
  t, x, rss: 300 * MB, anon: 200 * MB + (x % 3) * 1000, file: 100 * MB, heap: 50 * MB + (x % 2) * 500, pids: 2, ...over,
});
/** `count` windows of 1000 requests and `ms` each, from request 0. */
const spans = (count: number, ms: number): MemoryWindowSpan[] =>
  Array.from({ length: count }, (_, i) => ({ fromRequest: i * 1000, toRequest: (i + 1) * 1000, startMs: i * ms, endMs: (i + 1) * ms }));
/** Samples every 100 requests over `windows` windows of 1000 requests, 2 s each. */
const run = (windows: number, over: (x: number, i: number) => Partial<MemorySample>) =>
  Array.from({ length: windows * 10 }, (_, i) => sample(i * 100, i * 200, over(i * 100, i)));

describe('afterGcPoints', () => {
  it('keeps one point per new after-GC measurement, and none when a sample lacks one', () => {
    const s = [sample(0, 0, { heapAfterGc: 1, anonAfterGc: 1 }), sample(10, 1, { heapAfterGc: 1, anonAfterGc: 1 }), sample(20, 2, { heapAfterGc: 2, anonAfterGc: 1 })];
    expect(afterGcPoints(s).map((p) => p.x)).toEqual([0, 20]);
    expect(afterGcPoints([...s, sample(30, 3)])).toEqual([]);
  });
});

describe('windowIndex', () => {
  it('puts a sample in the window of the requests served when it was taken, the last window closed at its end', () => {
    const of = windowIndex(spans(3, 1000));
    expect([0, 999, 1000, 2999, 3000, 3001].map((x) => of({ x }))).toEqual([0, 0, 1, 2, 2, -1]);
  });
});

describe('fitLeaks', () => {
  it('finds a heap that grows 4 kB per request after GC, and no leak in a flat anonymous RSS', () => {
    const samples = run(8, (x, i) => ({ heapAfterGc: 40 * MB + 4096 * x + (i % 2) * 300, anonAfterGc: 150 * MB + (i % 3) * 200 }));
    const fits = fitLeaks(samples, spans(8, 2000), 1024, 0.95);
    expect(fits.series.heap?.basis).toBe('after forced GC');
    expect(fits.series.heap?.windows).toHaveLength(8);
    expect(fits.leaks.heap?.call).toBe('leak');
    expect(fits.leaks.heap?.fit?.slope).toBeCloseTo(4096, -1);
    expect(fits.leaks.anon?.call).toBe('no leak');
  });

  it('judges raw samples when the target has no heap probe: anonymous memory only, and a step in it is no leak', () => {
    const samples = run(8, (x) => ({ heap: undefined, anon: 200 * MB + (x >= 4000 ? 4 * MB : 0) + (x % 200) * 10 }));
    const fits = fitLeaks(samples, spans(8, 2000), 1024, 0.95);
    expect(fits.series.anon?.basis).toBe('raw samples');
    expect(fits.leaks.heap).toBeUndefined();
    expect(fits.leaks.anon?.call, fits.leaks.anon?.reason).toBe('no leak');
  });

  it('gives no verdict on raw windows too short for the allocator, nor on too few windows', () => {
    const leaking = (x: number) => ({ heap: undefined, anon: 200 * MB + 8192 * x });
    const short = fitLeaks(run(8, leaking), spans(8, 500), 1024, 0.95);
    expect(short.leaks.anon?.call).toBe('inconclusive');
    expect(short.leaks.anon?.reason).toMatch(/windows of 0\.5 s of raw samples, shorter than the 1\.5 s/);
    const few = fitLeaks(run(4, leaking), spans(4, 2000), 1024, 0.95);
    expect(few.leaks.anon?.call).toBe('inconclusive');
    expect(few.leaks.anon?.reason).toMatch(/only 4 windows/);
  });
});
