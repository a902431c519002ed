import { describe, expect, it } from 'vitest';
import { judgeWindows, tailCount, windowMedians, type WindowPoint } from './leak-windows.ts';

const MB = 1024 * 1024;
const ALLOWED = 1024;
const RULES = { minWindows: 6, minPointsPerWindow: 5 };
/** Eight windows of 1500 requests each, summed up by 7 points; `y(i, x)` is the window's median memory. */
const windows = (y: (i: number, x: number) => number, count = 8): WindowPoint[] =>
  Array.from({ length: count }, (_, i) => {
    const x = 750 + i * 1500;
    return { x, y: y(i, x), n: 7 };
  });
/** A small deterministic generator (mulberry32), so the noise is the same on every run. */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

describe('judgeWindows', () => {
  it('calls a single step followed by flat windows no leak, though one line through it would climb', () => {
    // 30 → 34 MB between windows 4 and 5: 4 MB over 12000 requests reads as ~350 B/request to a
    // line, and more when the step is larger; the flat windows on each side pull Sen's lower bound to zero.
    for (const step of [4 * MB, 16 * MB]) {
      const v = judgeWindows(windows((i) => 30 * MB + (i >= 4 ? step : 0) + (i % 2) * 20_000), ALLOWED, 0.95, RULES);
      expect(v.call, v.reason).toBe('no leak');
      expect(v.fit!.ciLow).toBeLessThan(ALLOWED);
    }
  });

  it('calls a steady 4 KiB/request rise a leak, with the slope near 4 KiB and growth to the end', () => {
    const r = noise(1);
    const v = judgeWindows(windows((_, x) => 30 * MB + 4096 * x + r() * 2 * MB), ALLOWED, 0.95, RULES);
    expect(v.call, v.reason).toBe('leak');
    expect(v.suspected).toBe(true);
    expect(v.fit!.slope).toBeGreaterThan(3000);
    expect(v.fit!.slope).toBeLessThan(5200);
    expect(v.tailSlope!).toBeGreaterThan(ALLOWED);
    expect(v.reason).toMatch(/still .* over the last 3/);
  });

  it('calls noise around a flat line no leak, in each of 200 noisy series', () => {
    const r = noise(7);
    const calls = Array.from({ length: 200 }, () => judgeWindows(windows(() => 30 * MB + r() * 4 * MB), ALLOWED, 0.95, RULES).call);
    expect(calls.filter((c) => c !== 'no leak')).toEqual([]);
  });

  it('calls growth that settled no leak: rising through window 6 of 8, flat over the last third', () => {
    const v = judgeWindows(windows((i, x) => 30 * MB + 4096 * Math.min(x, 8250) + (i % 2) * 20_000), ALLOWED, 0.95, RULES);
    expect(v.fit!.ciLow).toBeGreaterThan(ALLOWED); // it did grow ...
    expect(v.call, v.reason).toBe('no leak'); // ... and stopped
    expect(v.reason).toMatch(/settled/);
  });

  it('calls a step in the last window only no leak: one jump is what an allocator chunk looks like, and it is not sustained growth', () => {
    // Not inconclusive: the windows before it are evidence of a flat series, and a run whose last
    // window holds a step would otherwise never pass. A leak that starts that late needs a longer run.
    const v = judgeWindows(windows((i) => 30 * MB + (i === 7 ? 8 * MB : 0) + (i % 2) * 20_000), ALLOWED, 0.95, RULES);
    expect(v.tailSlope!).toBeGreaterThan(ALLOWED); // the end still climbs ...
    expect(v.call, v.reason).toBe('no leak'); // ... but across the windows nothing is proven
  });

  it('gives no verdict on too few windows, or on a window with too few points', () => {
    const few = judgeWindows(windows((_, x) => 30 * MB + 4096 * x, 5), ALLOWED, 0.95, RULES);
    expect(few).toMatchObject({ call: 'inconclusive', suspected: false, windows: 5 });
    expect(few.reason).toMatch(/only 5 windows measured, at least 6/);
    const points = windows((_, x) => 30 * MB + 4096 * x);
    points[3] = { ...points[3]!, n: 2 };
    const thin = judgeWindows(points, ALLOWED, 0.95, RULES);
    expect(thin.call).toBe('inconclusive');
    expect(thin.reason).toMatch(/window 4 of 8 holds 2 memory points, at least 5/);
  });
});

describe('windowMedians and tailCount', () => {
  it('sums each window up by the median of its points, and counts them', () => {
    const points = [1, 2, 3, 10, 11, 12, 13].map((x) => ({ x, y: x * 100 }));
    const w = windowMedians(points, 2, (p) => (p.x < 10 ? 0 : 1), (p) => p.x, (p) => p.y);
    expect(w).toEqual([{ x: 2, y: 200, n: 3 }, { x: 11.5, y: 1150, n: 4 }]);
  });

  it('judges the end over the last third of the windows, at least 3', () => {
    expect([6, 8, 9, 10, 12].map(tailCount)).toEqual([3, 3, 3, 4, 4]);
  });
});
