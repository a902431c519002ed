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
});
