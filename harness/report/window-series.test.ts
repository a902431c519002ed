import { describe, expect, it } from 'vitest';
import type { WindowEvent } from '../events.ts';
import { soakWindows } from './sample-reports.ts';
import { MAX_BUCKETS, MAX_MARKS, WindowSeries } from './window-series.ts';

const window = (i: number, metrics: WindowEvent['metrics'], extra: Partial<WindowEvent> = {}): WindowEvent => ({
  type: 'window', time: '2025-01-01T00:00:00.000Z', suite: 's', index: i + 1, startMs: i * 1000, endMs: (i + 1) * 1000, metrics, ...extra,
});
const p95 = (v: number) => ({ 'latency.p95': { value: v, unit: 'ms' as const } });

describe('WindowSeries', () => {
  it('keeps every window exactly while they fit, one point each, both sides at one time sharing it', () => {
    const s = new WindowSeries('soak');
    for (const w of soakWindows('soak', 1440, { baseline: true })) s.add(w);
    const snap = s.snapshot();
    expect(snap.bucketMs).toBe(0);
    expect(snap.x).toHaveLength(1440);
    expect(snap.windows).toEqual({ target: 1440, baseline: 1440 });
    const target = snap.series.find((d) => d.side === 'target' && d.metric === 'latency.p95')!;
    expect(target.min).toBeUndefined(); // nothing merged, no envelope
    expect(target.mean[480]).toBe(5000); // the spike, at its own window
    expect(snap.series.find((d) => d.side === 'baseline' && d.metric === 'latency.p95')!.mean.every((v) => v !== null && v < 20)).toBe(true);
  });

  it('holds at most MAX_BUCKETS buckets however many windows arrive, and the envelope keeps a one-window spike', () => {
    const s = new WindowSeries('soak');
    let most = 0;
    for (const w of soakWindows('soak', 86_400, { spikeAt: 50_000, spikeMs: 9000 })) {
      s.add(w);
      most = Math.max(most, s.size);
    }
    expect(most).toBeLessThanOrEqual(MAX_BUCKETS + 1);
    const snap = s.snapshot();
    expect(snap.x.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(snap.x.length).toBeGreaterThan(MAX_BUCKETS / 4);
    expect(snap.bucketMs).toBeGreaterThan(1000);
    const lat = snap.series.find((d) => d.metric === 'latency.p95')!;
    const peak = Math.max(...lat.max!.map((v) => v ?? 0));
    expect(peak).toBe(9000); // never averaged away
    expect(Math.max(...lat.mean.map((v) => v ?? 0))).toBeLessThan(9000); // the mean alone would hide it
    // Positions stay in order and inside the run.
    expect(snap.x.every((x, i) => i === 0 || x > snap.x[i - 1]!)).toBe(true);
    expect(snap.x.at(-1)!).toBeLessThan(86_400_000);
    expect(snap.windowsPerBucket.reduce((a, b) => a + b, 0)).toBe(86_400);
  });

  it('marks label changes and merges exempt windows into spans, bounded', () => {
    const s = new WindowSeries('fault');
    const labels = ['before', 'before', 'during:kill', 'during:kill', 'recovery:kill', 'after:kill'];
    labels.forEach((label, i) => s.add(window(i, p95(10), { label, ...(label.startsWith('during') || label.startsWith('recovery') ? { exempt: 'fault kill' } : {}) })));
    const snap = s.snapshot();
    expect(snap.markers).toEqual([
      { atMs: 0, label: 'before' },
      { atMs: 2000, label: 'during:kill' },
      { atMs: 4000, label: 'recovery:kill' },
      { atMs: 5000, label: 'after:kill' },
    ]);
    expect(snap.spans).toEqual([{ startMs: 2000, endMs: 5000, reason: 'fault kill' }]);

    const noisy = new WindowSeries('noisy');
    for (let i = 0; i < MAX_MARKS + 50; i++) noisy.add(window(i, p95(1), { label: `step ${i}` }));
    expect(noisy.snapshot().markers).toHaveLength(MAX_MARKS);
    expect(noisy.snapshot().droppedMarks).toBe(50);
  });

  it('counts failed window checks per bucket and leaves out metrics it does not chart', () => {
    const s = new WindowSeries('s');
    s.add(window(0, { ...p95(10), 'requests.sent': { value: 5, unit: 'count' } }, { checks: [{ source: 'x', status: 'fail', detail: '' }, { source: 'y', status: 'pass', detail: '' }] }));
    s.add(window(1, p95(Number.NaN)));
    const snap = s.snapshot();
    expect(snap.failedPerBucket).toEqual([1, 0]);
    expect(snap.series.map((d) => d.metric)).toEqual(['latency.p95']);
    expect(snap.series[0]!.mean).toEqual([10, null]);
  });
});
