// A sparkline as inline SVG: one value per run, oldest left, the latest run marked. No scripts, no
// fonts from anywhere, so it renders in report.html under its CSP.
import { escapeHtml as h } from '../report/html-escape.ts';

export interface SparklineOptions {
  width?: number;
  height?: number;
  /** Tooltip text per point (run id and value). */
  titles?: string[];
}

export function sparklineSvg(values: readonly number[], opts: SparklineOptions = {}): string {
  const width = opts.width ?? 160;
  const height = opts.height ?? 32;
  const pad = 4;
  if (values.length === 0) return '';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const x = (i: number) => (values.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (values.length - 1));
  // A flat series sits in the middle rather than on an edge.
  const y = (v: number) => (hi === lo ? height / 2 : height - pad - ((v - lo) * (height - 2 * pad)) / span);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const dots = values
    .map((v, i) => {
      const last = i === values.length - 1;
      const title = opts.titles?.[i];
      return `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="${last ? 3 : 1.5}" class="${last ? 'spark-last' : 'spark-dot'}">${title ? `<title>${h(title)}</title>` : ''}</circle>`;
    })
    .join('');
  return (
    `<svg class="sparkline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" data-points="${values.length}">` +
    (values.length > 1 ? `<polyline points="${points}" fill="none" class="spark-line"/>` : '') +
    dots +
    `</svg>`
  );
}
