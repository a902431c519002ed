import { describe, expect, it } from 'vitest';
import { judgeLeak } from '../../metrics/regression.ts';
import { leakSeries, memoryMetrics, type ModeResult } from './summarise.ts';

const x = Array.from({ length: 20 }, (_, i) => i * 100);
const growing = judgeLeak(x, x.map((v, i) => 1e6 + 5000 * v + (i % 2) * 100), 1024);
const flat = judgeLeak(x, x.map((_, i) => 1e6 + (i % 3) * 100), 1024);
const peaks = { rss: 500, anon: 300, file: 200, samples: 10 };

const mode = (over: Partial<ModeResult> & Pick<ModeResult, 'mode'>): ModeResult => ({
  requests: 2000, errors: 0, leaks: {}, samples: 10, peaks, oom: [], series: {}, ...over,
});

describe('memoryMetrics', () => {
  it('names each slope by mode and series, counts suspected series, and prefers the HTTP cold start', () => {
    const m = memoryMetrics([
      mode({ mode: 'inprocess', leaks: { heap: growing, anon: flat }, coldStartMs: 800 }),
      mode({ mode: 'http', errors: 3, leaks: { anon: flat }, coldStartMs: 1200, peaks: { ...peaks, rss: 900, heap: 70 }, oom: ['SIGKILL'] }),
    ]);
    expect(m['leak.suspected']).toEqual({ value: 1, unit: 'count' });
    expect(m['inprocess.leak.heap.slope']!.value).toBeCloseTo(5000, -1);
    expect(m['inprocess.leak.heap.slope.ci_low']!.unit).toBe('bytes');
    expect(m['http.leak.anon.slope']).toBeDefined();
    expect(m['http.leak.heap.slope']).toBeUndefined();
    expect(m['http.errors']!.value).toBe(3);
    expect(m['inprocess.requests']!.value).toBe(2000);
    expect(m['cold_start']).toEqual({ value: 1200, unit: 'ms' });
    expect(m['cold_start.inprocess']!.value).toBe(800);
    expect(m['memory.rss.peak']!.value).toBe(900);
    expect(m['memory.heap.peak']!.value).toBe(70);
    expect(m['memory.samples']!.value).toBe(20);
    expect(m['memory.oom']!.value).toBe(1);
  });

  it('reports no leak count when no series could be fitted', () => {
    expect(memoryMetrics([mode({ mode: 'http' })])['leak.suspected']).toBeUndefined();
  });
});

describe('leakSeries', () => {
  it('gives one chart row per series with both points and a verdict', () => {
    const rows = leakSeries(mode({ mode: 'http', leaks: { anon: flat, heap: growing }, series: { anon: { basis: 'raw samples', x, y: x } } }));
    expect(rows.map((r) => [r.mode, r.series, r.basis, r.suspected])).toEqual([['http', 'anon', 'raw samples', false]]);
  });
});
