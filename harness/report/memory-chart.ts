// Inline SVG of what a leak verdict rests on, drawn with the verdict's own model: the memory points
// (bytes against requests served), the window medians the verdict judged, the Theil–Sen line
// through them, Sen's interval of its slope as two dashed lines pivoting on the medians' centre,
// and the slope of the last third of the windows (a leak must still grow at the end). One chart
// per mode and series, from the memory suite's `details.leakSeries`; nothing is judged here.
import { formatBytes } from '../format.ts';
import { median } from '../metrics/statistics.ts';
import { escapeHtml } from './html-escape.ts';

/** The memory suite's row for one fitted series (kinds/memory/runner.ts, leakSeries). */
export interface LeakSeriesRow {
  mode: string;
  series: string;
  basis: string;
  suspected: boolean;
  reason: string;
  slope: number;
  intercept: number;
  x: number[];
  y: number[];
  /** The window medians the verdict was judged on, drawn as squares. */
  windows?: { x: number; y: number }[];
  /** Sen's interval of the slope. */
  ciLow?: number;
  ciHigh?: number;
  /** The Theil–Sen slope over the last third of the windows. */
  tailSlope?: number;
}

export interface MemoryChart {
  title: string;
  caption: string;
  svg: string;
}

function isLeakSeriesRow(v: unknown): v is LeakSeriesRow {
  const r = v as Partial<LeakSeriesRow> | null;
  return (
    typeof r === 'object' && r !== null && typeof r.mode === 'string' && typeof r.series === 'string' && typeof r.reason === 'string' &&
    typeof r.slope === 'number' && typeof r.intercept === 'number' && Array.isArray(r.x) && Array.isArray(r.y) && r.x.length === r.y.length && r.x.length >= 2
  );
}

/** Charts for every well-formed row of `details.leakSeries`; none when the suite has none. */
export function memoryCharts(details?: Record<string, unknown>): MemoryChart[] {
  const rows = details?.leakSeries;
  if (!Array.isArray(rows)) return [];
  return rows.filter(isLeakSeriesRow).map((row) => ({
    title: `${row.mode} ${row.series}`,
    caption:
      `${row.reason} (${row.x.length} points, ${row.basis}${row.windows?.length ? `; squares: the medians of ${row.windows.length} windows` : ''}` +
      `${row.ciLow !== undefined ? "; dashed: Sen's interval of the slope" : ''}${row.tailSlope !== undefined ? '; thick: the slope of the last third' : ''})`,
    svg: renderChart(row),
  }));
}

function renderChart(row: LeakSeriesRow): string {
  const width = 420;
  const height = 180;
  const left = 64;
  const right = 12;
  const top = 10;
  const bottom = 28;
  const xMin = Math.min(...row.x);
  const xMax = Math.max(...row.x);
  const line = (x: number) => row.intercept + row.slope * x;
  const ys = [...row.y, line(xMin), line(xMax)];
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  // A flat series still needs a band to draw in: 1 % of its level, at least 1 kB.
  const pad = Math.max((yMax - yMin) * 0.1, Math.abs(yMax) * 0.005, 1000);
  yMin -= pad;
  yMax += pad;
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin || 1)) * (width - left - right);
  const py = (y: number) => top + (1 - (y - yMin) / (yMax - yMin)) * (height - top - bottom);
  const points = row.x
    .map((x, i) => `<circle cx="${px(x).toFixed(1)}" cy="${py(row.y[i]!).toFixed(1)}" r="2.5" class="point"><title>${escapeHtml(`${x} requests: ${formatBytes(row.y[i]!)}`)}</title></circle>`)
    .join('');
  const medians = (row.windows ?? [])
    .filter((w) => Number.isFinite(w.x) && Number.isFinite(w.y))
    .map((w) => `<rect x="${(px(w.x) - 4).toFixed(1)}" y="${(py(w.y) - 4).toFixed(1)}" width="8" height="8" fill="none" stroke="currentColor" stroke-width="1.5" class="window-median"><title>${escapeHtml(`window median at ${Math.round(w.x)} requests: ${formatBytes(w.y)}`)}</title></rect>`)
    .join('');
  const fit = `<line x1="${px(xMin).toFixed(1)}" y1="${py(line(xMin)).toFixed(1)}" x2="${px(xMax).toFixed(1)}" y2="${py(line(xMax)).toFixed(1)}" class="${row.suspected ? 'fit-leak' : 'fit'}"/>`;
  /** A line through (cx, cy) with `slope`, drawn where it stays inside the plot. */
  const through = (cx: number, cy: number, slope: number, from: number, to: number, cls: string, title: string): string => {
    let a = from;
    let b = to;
    if (slope !== 0) {
      const atY = (y: number) => cx + (y - cy) / slope;
      const [lo, hi] = [atY(yMin), atY(yMax)].sort((p, q) => p - q) as [number, number];
      a = Math.max(a, lo);
      b = Math.min(b, hi);
    }
    if (!(b > a)) return '';
    const y = (x: number) => cy + slope * (x - cx);
    return `<line x1="${px(a).toFixed(1)}" y1="${py(y(a)).toFixed(1)}" x2="${px(b).toFixed(1)}" y2="${py(y(b)).toFixed(1)}" class="${cls}"><title>${escapeHtml(title)}</title></line>`;
  };
  const wins = (row.windows ?? []).filter((w) => Number.isFinite(w.x) && Number.isFinite(w.y));
  const cx = wins.length > 0 ? median(wins.map((w) => w.x)) : (xMin + xMax) / 2;
  const band = [row.ciLow, row.ciHigh]
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .map((v) => through(cx, line(cx), v, xMin, xMax, 'fit-ci', `Sen's interval of the slope: ${formatBytes(v)} per request`))
    .join('');
  const tailWins = wins.slice(-Math.max(3, Math.ceil(wins.length / 3)));
  const tail =
    typeof row.tailSlope === 'number' && Number.isFinite(row.tailSlope) && tailWins.length >= 3
      ? through(median(tailWins.map((w) => w.x)), median(tailWins.map((w) => w.y)), row.tailSlope, tailWins[0]!.x, tailWins.at(-1)!.x, 'fit-tail', `slope over the last ${tailWins.length} windows: ${formatBytes(row.tailSlope)} per request`)
      : '';
  const axes =
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" class="axis-line"/>` +
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" class="axis-line"/>` +
    `<text x="${left - 4}" y="${top + 8}" class="axis" text-anchor="end">${escapeHtml(formatBytes(yMax))}</text>` +
    `<text x="${left - 4}" y="${height - bottom}" class="axis" text-anchor="end">${escapeHtml(formatBytes(yMin))}</text>` +
    `<text x="${left}" y="${height - 8}" class="axis">${xMin}</text>` +
    `<text x="${width - right}" y="${height - 8}" class="axis" text-anchor="end">${xMax} requests</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="memory-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `aria-label="${escapeHtml(`${row.mode} ${row.series} memory against requests, with the fitted slope`)}">${axes}${points}${medians}${band}${fit}${tail}</svg>`
  );
}
