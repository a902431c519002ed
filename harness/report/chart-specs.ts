// What each uPlot chart of report.html draws, as plain data for client/charts.js: the time series
// of a suite's windows (latency, throughput, errors, memory, restarts, with label markers, exempt
// spans and windows whose checks failed) and its latency percentile distributions. Values are
// rounded to 4 significant digits: the page stays small at 86,400 windows and no chart can show
// a fifth digit.
import type { Unit } from '../result.ts';
import type { DistributionChart } from './hdr-plot.ts';
import type { SeriesData, SeriesSnapshot } from './window-series.ts';

export interface TimeSeriesSpec {
  label: string;
  color: string;
  dash: boolean;
  /** The y scale it is drawn on: 'y', or 'y2' (the right axis) for a second unit. */
  scale: 'y' | 'y2';
  mean: (number | null)[];
  min?: (number | null)[];
  max?: (number | null)[];
}

export interface TimeChartSpec {
  id: string;
  type: 'time';
  title: string;
  unit: Unit;
  unit2?: Unit;
  /** Seconds since the suite started, unless xUnit says what else x is (a histogram's bin centres). */
  x: number[];
  /** x in this unit, labelled xLabel, instead of time since the suite started. */
  xUnit?: Unit;
  xLabel?: string;
  series: TimeSeriesSpec[];
  markers: { x: number; label: string }[];
  spans: { from: number; to: number; label: string }[];
  /** Bucket positions whose windows had a failing window check. */
  failedAt: number[];
}

export interface HdrChartSpec {
  id: string;
  type: 'hdr';
  title: string;
  /** 1 / (1 - p), shared by every series. */
  x: number[];
  series: { label: string; color: string; dash: boolean; y: (number | null)[] }[];
}

export type ChartSpec = TimeChartSpec | HdrChartSpec;

const round = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(4)));
const roundAll = (a: (number | null)[]): (number | null)[] => a.map(round);

interface Group {
  key: string;
  title: string;
  metrics: { name: string; color: string; scale?: 'y2'; dash?: boolean }[];
}

/** The charts of a suite's windows, in page order. Colours: the same metric has the same colour everywhere. */
const GROUPS: Group[] = [
  { key: 'latency', title: 'Latency per window', metrics: [{ name: 'latency.p50', color: '#54aeff' }, { name: 'latency.p95', color: '#0969da' }, { name: 'latency.p99', color: '#8250df' }] },
  { key: 'throughput', title: 'Throughput per window', metrics: [{ name: 'throughput.rps', color: '#1a7f37' }] },
  {
    key: 'router',
    title: 'Candidate against stable at the router',
    metrics: [
      { name: 'candidate.latency.p50', color: '#54aeff' },
      { name: 'candidate.latency.p95', color: '#0969da' },
      { name: 'stable.latency.p50', color: '#8c959f', dash: true },
      { name: 'stable.latency.p95', color: '#57606a', dash: true },
    ],
  },
  { key: 'weight', title: 'Canary weight', metrics: [{ name: 'canary.weight', color: '#8250df' }] },
  {
    key: 'errors',
    title: 'Errors per window',
    metrics: [{ name: 'errors.rate', color: '#cf222e' }, { name: 'candidate.errors.rate', color: '#bf3989' }, { name: 'errors.total', color: '#bc4c00', scale: 'y2' }],
  },
  { key: 'cache', title: 'Cache hit rate per window', metrics: [{ name: 'cache.hit_rate', color: '#1a7f37' }] },
  {
    key: 'memory',
    title: 'Memory per window (target and harness)',
    metrics: [
      { name: 'memory.rss', color: '#0969da' },
      { name: 'memory.anon', color: '#cf222e' },
      { name: 'memory.file', color: '#9a6700' },
      { name: 'memory.heap', color: '#8250df' },
      { name: 'harness.rss', color: '#57606a' },
      { name: 'candidate.memory.rss', color: '#bc4c00' },
    ],
  },
  { key: 'restarts', title: 'Worker restarts', metrics: [{ name: 'worker.restarts', color: '#bf3989' }] },
];

const hasData = (s: SeriesData): boolean => s.mean.some((v) => v !== null);

/** One time chart per group that has data; the baseline's series dashed beside the target's. */
export function timeChartSpecs(snap: SeriesSnapshot, idPrefix: string): TimeChartSpec[] {
  if (snap.x.length === 0) return [];
  const x = snap.x.map((ms) => Number((ms / 1000).toFixed(3)));
  const markers = snap.markers.map((m) => ({ x: Number((m.atMs / 1000).toFixed(3)), label: m.label }));
  const spans = snap.spans.map((s) => ({ from: Number((s.startMs / 1000).toFixed(3)), to: Number((s.endMs / 1000).toFixed(3)), label: s.reason }));
  const failedAt = x.filter((_, i) => (snap.failedPerBucket[i] ?? 0) > 0);
  const charts: TimeChartSpec[] = [];
  for (const group of GROUPS) {
    const series: TimeSeriesSpec[] = [];
    let unit: Unit | undefined;
    let unit2: Unit | undefined;
    for (const side of ['target', 'baseline'] as const) {
      for (const m of group.metrics) {
        const s = snap.series.find((d) => d.side === side && d.metric === m.name);
        if (!s || !hasData(s)) continue;
        if (m.scale === 'y2') unit2 ??= s.unit;
        else unit ??= s.unit;
        series.push({
          label: side === 'target' ? m.name : `baseline ${m.name}`,
          color: side === 'target' ? m.color : '#8c959f',
          dash: side === 'baseline' || m.dash === true,
          scale: m.scale ?? 'y',
          mean: roundAll(s.mean),
          ...(s.min && s.max ? { min: roundAll(s.min), max: roundAll(s.max) } : {}),
        });
      }
    }
    if (series.length === 0) continue;
    // A chart whose only series sit on the right axis draws them on the left one.
    if (unit === undefined) {
      unit = unit2!;
      unit2 = undefined;
      for (const s of series) s.scale = 'y';
    }
    charts.push({ id: `${idPrefix}-${group.key}`, type: 'time', title: group.title, unit, ...(unit2 ? { unit2 } : {}), x, series, markers, spans, failedAt });
  }
  return charts;
}

/** One HDR chart: every series on the union of their percentile grids (they share all but the last point). */
export function hdrChartSpec(chart: DistributionChart, id: string): HdrChartSpec {
  const grid = [...new Set(chart.series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const colors = { target: ['#0969da', '#bc4c00'], baseline: ['#57606a', '#9a6700'] };
  const used = { target: 0, baseline: 0 };
  return {
    id,
    type: 'hdr',
    title: chart.title,
    x: grid.map((v) => Number(v.toPrecision(6))),
    series: chart.series.map((s) => {
      const at = new Map(s.x.map((x, i) => [x, s.y[i]!]));
      const color = colors[s.side][used[s.side]++ % 2]!;
      return { label: s.label, color, dash: s.side === 'baseline', y: grid.map((g) => round(at.get(g) ?? null)) };
    }),
  };
}
