// The fixed-size statistics across windows: the running coefficient of variation agrees with the
// textbook one, and compacted memory points keep a leak a leak and a flat series flat while never
// holding more than their cap, however many windows arrive.
import { describe, expect, it } from 'vitest';
import { judgeWindows } from '../memory/leak-windows.ts';
import { CompactPoints, RunningStats } from './window-stats.ts';

describe('RunningStats', () => {
  it('gives the sample standard deviation and coefficient of variation of what it saw', () => {
    const values = [10, 12, 9, 11, 30, 10];
    const s = new RunningStats();
    for (const v of values) s.add(v);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    expect(s.mean).toBeCloseTo(mean, 10);
    expect(s.cv).toBeCloseTo(sd / mean, 10);
    expect([s.min, s.max]).toEqual([9, 30]);
  });

  it('has no coefficient of variation from one value', () => {
    const s = new RunningStats();
    s.add(5);
    expect(s.cv).toBeUndefined();
  });
});

describe('CompactPoints', () => {
  const rules = { minWindows: 6, minPointsPerWindow: 5 };
  const feed = (windows: number, slope: number) => {
    const c = new CompactPoints(16);
    for (let i = 0; i < windows; i++) c.add({ x: i * 100, y: 1e8 + slope * i * 100 + (i % 3) * 1000, n: 5 });
    return c;
  };

  it('never holds more than its cap, and keeps the windows in order', () => {
    const c = feed(10_000, 0);
    const pts = c.list();
    expect(pts.length).toBeLessThanOrEqual(17);
    expect(pts.map((p) => p.x)).toEqual([...pts.map((p) => p.x)].sort((a, b) => a - b));
    expect(pts.at(-1)!.x).toBeGreaterThan(9_000 * 100);
    expect(c.windows).toBe(10_000);
  });

  it('keeps a leak a leak and a flat series flat after compaction', () => {
    expect(judgeWindows(feed(5_000, 4096).list(), 1024, 0.95, rules).call).toBe('leak');
    expect(judgeWindows(feed(5_000, 0).list(), 1024, 0.95, rules).call).toBe('no leak');
  });
});
