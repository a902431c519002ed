import { describe, expect, it } from 'vitest';
import type { MemorySample } from '../../probes/memory-sampler.ts';
import { judgeWindows, type WindowPoint } from './leak-windows.ts';
import { leakSeries, memoryMetrics, undecidedLeaks, windowMetrics, type ModeResult } from './summarise.ts';

const RULES = { minWindows: 6, minPointsPerWindow: 1 };
const points = (y: (x: number) => number): WindowPoint[] => Array.from({ length: 8 }, (_, i) => ({ x: i * 1000, y: y(i * 1000), n: 5 }));
const growing = judgeWindows(points((x) => 1e6 + 5000 * x), 1024, 0.95, RULES);
const flat = judgeWindows(points((x) => 1e6 + (x % 3000) / 10), 1024, 0.95, RULES);
const tooFew = judgeWindows(points((x) => 1e6 + x).slice(0, 3), 1024, 0.95, RULES);
const peaks = { rss: 500, anon: 300, file: 200, samples: 10 };

const mode = (over: Partial<ModeResult> & Pick<ModeResult, 'mode'>): ModeResult => ({
  requests: 2000, errors: 0, leaks: {}, windows: 8, samples: 10, peaks, oom: [], series: {}, ...over,
});

describe('memoryMetrics', () => {
  it('names each slope by mode and series, counts suspected series, and prefers the HTTP cold start', () => {
    const m = memoryMetrics([
      mode({ mode: 'inprocess', leaks: { heap: growing, anon: flat }, coldStartMs: 800 }),
      mode({ mode: 'http', errors: 3, leaks: { anon: flat }, coldStartMs: 1200, peaks: { ...peaks, rss: 900, heap: 70 }, oom: ['SIGKILL'] }),
    ]);
    expect(m['leak.suspected']).toEqual({ value: 1, unit: 'count' });
    expect(m['inprocess.leak.heap.slope']!.value).toBeCloseTo(5000, -1);
    expect(m['inprocess.leak.heap.slope.tail']!.value).toBeCloseTo(5000, -1);
    expect(m['inprocess.leak.heap.slope.ci_low']!.unit).toBe('bytes');
    expect(m['inprocess.leak.windows']!.value).toBe(8);
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

  it('reports no leak count and no slopes when no series could be judged', () => {
    expect(memoryMetrics([mode({ mode: 'http' })])['leak.suspected']).toBeUndefined();
    const m = memoryMetrics([mode({ mode: 'http', leaks: { anon: tooFew } })]);
    expect(m['leak.suspected']).toBeUndefined();
    expect(m['http.leak.anon.slope']).toBeUndefined();
  });
});

describe('undecidedLeaks', () => {
  it('leaves leak.suspected readable when every series was judged, or when one leaks whatever the others', () => {
    expect(undecidedLeaks([mode({ mode: 'http', leaks: { anon: flat, heap: flat } })])).toBeUndefined();
    expect(undecidedLeaks([mode({ mode: 'inprocess', leaks: { anon: tooFew } }), mode({ mode: 'http', leaks: { anon: growing } })])).toBeUndefined();
  });

  it('says why it cannot be read when a series is inconclusive or a mode measured nothing, so == 0 is not a pass', () => {
    expect(undecidedLeaks([mode({ mode: 'http', leaks: { anon: flat, heap: tooFew } })])).toMatch(/^no leak verdict: http heap: only 3 windows measured/);
    expect(undecidedLeaks([mode({ mode: 'inprocess', samples: 2 })])).toMatch(/inprocess: no memory series measured \(2 samples\)/);
  });
});

describe('windowMetrics', () => {
  it('gives the medians of the samples taken in the window, and its requests and errors', () => {
    const s = (x: number, anon: number, gc?: number): MemorySample => ({ t: x, x, rss: anon + 10, anon, file: 1, pids: 1, ...(gc !== undefined ? { heap: 5, heapAfterGc: gc, anonAfterGc: gc } : {}) });
    const samples = [s(90, 999), s(100, 1, 7), s(150, 3, 7), s(180, 2, 9), s(200, 50, 11), s(260, 999)];
    const m = windowMetrics(samples, { fromRequest: 100, toRequest: 200, startMs: 0, endMs: 1000 }, 2);
    expect(m['requests']!.value).toBe(100);
    expect(m['errors']!.value).toBe(2);
    expect(m['memory.samples']!.value).toBe(4);
    expect(m['memory.anon']!.value).toBe(2.5);
    expect(m['memory.rss']!.value).toBe(12.5);
    expect(m['memory.anon.after_gc']).toBeUndefined(); // the samples outside lack after-GC figures, so none counts
    const probed = samples.slice(1, 5);
    expect(windowMetrics(probed, { fromRequest: 100, toRequest: 200, startMs: 0, endMs: 1000 }, 0)['memory.heap.after_gc']!.value).toBe(9);
  });
});

describe('leakSeries', () => {
  it('gives one chart row per judged series, with its window medians', () => {
    const windows = points((x) => x);
    const rows = leakSeries(mode({ mode: 'http', leaks: { anon: flat, heap: growing }, series: { anon: { basis: 'raw samples', x: [1, 2], y: [3, 4], windows } } }));
    expect(rows.map((r) => [r.mode, r.series, r.basis, r.call])).toEqual([['http', 'anon', 'raw samples', 'no leak']]);
    expect(rows[0]!.windows).toHaveLength(8);
  });
});
