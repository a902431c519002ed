// Inline SVG bars of latency percentiles (p50/p95/p99) for report.html: no chart library, no
// script, so the file stays self-contained and readable offline. Candidate and baseline share one
// scale so their bars can be compared by eye.
import type { Metrics } from '../result.ts';
import { formatMs } from '../format.ts';
import { escapeHtml } from './html-escape.ts';

const PERCENTILES = ['p50', 'p95', 'p99'] as const;

export interface LatencyChart {
  /** The metric prefix, e.g. "single" for single.latency.p50. */
  prefix: string;
  svg: string;
}

/** One chart per `<prefix>.latency.*` group that has at least one of p50/p95/p99 in ms. */
export function latencyCharts(metrics: Metrics, baseline?: Metrics): LatencyChart[] {
  const prefixes = new Set<string>();
  for (const [name, metric] of Object.entries(metrics)) {
    const match = /^(.*)\.latency\.(p50|p95|p99)$/.exec(name);
    if (match?.[1] && metric.unit === 'ms') prefixes.add(match[1]);
  }
  return [...prefixes].sort().map((prefix) => ({ prefix, svg: renderChart(prefix, metrics, baseline) }));
}

interface Bar { label: string; series: 'value' | 'baseline'; value: number }

function renderChart(prefix: string, metrics: Metrics, baseline?: Metrics): string {
  const bars: Bar[] = [];
  for (const p of PERCENTILES) {
    const name = `${prefix}.latency.${p}`;
    const v = metrics[name];
    if (v) bars.push({ label: p, series: 'value', value: v.value });
    const b = baseline?.[name];
    if (b && b.unit === 'ms') bars.push({ label: p, series: 'baseline', value: b.value });
  }
  const hasBaseline = bars.some((b) => b.series === 'baseline');
  const max = Math.max(...bars.map((b) => b.value), Number.MIN_VALUE);
  const labelWidth = 44;
  const plotWidth = 300;
  const valueWidth = 90;
  const barHeight = 16;
  const gap = 6;
  const top = hasBaseline ? 22 : 4;
  const width = labelWidth + plotWidth + valueWidth;
  const height = top + bars.length * (barHeight + gap);

  const rows = bars.map((bar, i) => {
    const y = top + i * (barHeight + gap);
    const w = Math.max(1, (bar.value / max) * plotWidth);
    // Only the first bar of a percentile carries its label; a baseline bar sits right under it.
    const showLabel = i === 0 || bars[i - 1]?.label !== bar.label;
    return (
      (showLabel ? `<text x="0" y="${y + barHeight - 4}" class="axis">${escapeHtml(bar.label)}</text>` : '') +
      `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" class="bar-${bar.series}">` +
      `<title>${escapeHtml(`${prefix}.latency.${bar.label}${bar.series === 'baseline' ? ' (baseline)' : ''}: ${formatMs(bar.value)}`)}</title></rect>` +
      `<text x="${(labelWidth + w + 4).toFixed(1)}" y="${y + barHeight - 4}" class="value">${escapeHtml(formatMs(bar.value))}</text>`
    );
  });
  const legend = hasBaseline
    ? `<rect x="${labelWidth}" y="4" width="10" height="10" class="bar-value"/><text x="${labelWidth + 14}" y="13" class="axis">this run</text>` +
      `<rect x="${labelWidth + 80}" y="4" width="10" height="10" class="bar-baseline"/><text x="${labelWidth + 94}" y="13" class="axis">baseline</text>`
    : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="latency-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `aria-label="${escapeHtml(`${prefix} latency percentiles`)}">${legend}${rows.join('')}</svg>`
  );
}
