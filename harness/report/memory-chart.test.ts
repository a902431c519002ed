import { describe, expect, it } from 'vitest';
import { memoryCharts } from './memory-chart.ts';

describe('memoryCharts', () => {
  it('draws the window medians a leak verdict was judged on as squares, and says so in the caption', () => {
    const x = Array.from({ length: 40 }, (_, i) => i * 100);
    const windows = Array.from({ length: 8 }, (_, i) => ({ x: 250 + i * 500, y: 30e6 + (i >= 4 ? 4e6 : 0), n: 5 }));
    const row = { mode: 'http', series: 'anon', basis: 'raw samples', suspected: false, reason: 'no sustained growth', slope: 0, intercept: 30e6, x, y: x.map((v) => 30e6 + (v >= 2000 ? 4e6 : 0)), windows };
    const [chart] = memoryCharts({ leakSeries: [row] });
    expect(chart!.svg.match(/class="window-median"/g)).toHaveLength(8);
    expect(chart!.svg.match(/class="point"/g)).toHaveLength(40);
    expect(chart!.caption).toBe('no sustained growth (40 points, raw samples; squares: the medians of 8 windows)');
    expect(memoryCharts({ leakSeries: [{ ...row, windows: undefined }] })[0]!.svg).not.toContain('window-median');
  });

  it("draws the verdict's own model: Sen's interval as two dashed lines and the last third's slope", () => {
    const windows = Array.from({ length: 9 }, (_, i) => ({ x: 500 + i * 1000, y: 30e6 + (i >= 6 ? (i - 5) * 1e6 : 0), n: 5 }));
    const x = windows.map((w) => w.x);
    const row = { mode: 'http', series: 'anon', basis: 'after forced GC', suspected: true, reason: 'still growing', slope: 300, intercept: 29.5e6, ciLow: 0, ciHigh: 800, tailSlope: 1000, x, y: windows.map((w) => w.y), windows };
    const [chart] = memoryCharts({ leakSeries: [row] });
    expect(chart!.svg.match(/class="fit-ci"/g)).toHaveLength(2);
    const tail = /<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)" class="fit-tail"/.exec(chart!.svg);
    expect(tail).not.toBeNull();
    expect(Number(tail![4])).toBeLessThan(Number(tail![2])); // it rises (SVG y grows downwards)
    expect(Number(tail![1])).toBeGreaterThan(200); // over the last third only
    expect(chart!.caption).toContain("dashed: Sen's interval of the slope; thick: the slope of the last third");
  });
});
