// "How did this number move?": for each suite of a report, its headline metrics over the last N
// runs of the same gate, suite and models, read from the reports root's history.jsonl, as an HTML
// fragment with a sparkline per metric. The report itself is the last point, so a report written
// before its run is appended to history (and one rebuilt later) shows the same trend.
import { dirname } from 'node:path';
import { formatValue } from '../format.ts';
import { escapeHtml as h } from '../report/html-escape.ts';
import type { RunReport } from '../result.ts';
import { headlineMetrics } from './headline.ts';
import { historyFile, readHistory, sameSeries, type HistoryEntry } from './history.ts';
import { suiteModels } from './models.ts';
import { sparklineSvg } from './sparkline.ts';

export const DEFAULT_TREND_RUNS = 10;

const CSS =
  '.history .sparkline .spark-line{stroke:#0969da;stroke-width:1.5}.history .spark-dot{fill:#0969da}.history .spark-last{fill:#cf222e}' +
  '.history td.spark{padding:2px 8px}.history .warn{color:#9a6700}';

export interface TrendOptions {
  /** Runs shown per metric, this one included. */
  last?: number;
}

/** A section of report.html, the shape html.ts's ExtraSections hook takes. */
export interface HistorySection {
  id: string;
  title: string;
  html: string;
}

/** report.html's extra section (html.ts ExtraSections): the run dir's parent is the reports root, whose history it reads. */
export function historySections(report: RunReport, outDir: string): HistorySection[] {
  const html = historyTrendHtml(report, historyFile(dirname(outDir)));
  return html ? [{ id: 'history', title: 'History', html }] : [];
}

/** The body of report.html's "History" section; empty string when the report has no suites. */
export function historyTrendHtml(report: RunReport, historyPath: string, opts: TrendOptions = {}): string {
  if (report.suites.length === 0) return '';
  const last = Math.max(2, opts.last ?? DEFAULT_TREND_RUNS);
  const { entries, warnings } = readHistory(historyPath);
  const gate = report.gate?.number ?? null;
  const blocks = report.suites.map((suite) => {
    const series = { gate, suite: suite.name, models: suiteModels(suite) };
    const earlier: HistoryEntry[] = entries.map((e) => e.value).filter((e) => sameSeries(e, series) && e.runId !== report.runId && e.time <= report.finishedAt);
    const runs = [...earlier.slice(-(last - 1)).map((e) => ({ runId: e.runId, metrics: e.metrics })), { runId: report.runId, metrics: headlineMetrics(suite) }];
    const names = Object.keys(runs.at(-1)!.metrics);
    if (names.length === 0) return '';
    const rows = names.map((name) => {
      const points = runs.flatMap((r) => (r.metrics[name] ? [{ runId: r.runId, ...r.metrics[name]! }] : []));
      const now = points.at(-1)!;
      const prev = points.at(-2);
      const change = prev && prev.value !== 0 ? `${((now.value / prev.value - 1) * 100).toFixed(1)} %` : '—';
      const svg = sparklineSvg(points.map((p) => p.value), { titles: points.map((p) => `${p.runId}: ${formatValue(p.value, p.unit)}`) });
      return (
        `<tr data-metric="${h(name)}" data-runs="${points.length}"><td><code>${h(name)}</code></td><td class="spark">${svg}</td>` +
        `<td class="num">${h(formatValue(now.value, now.unit))}</td><td class="num">${prev ? h(formatValue(prev.value, prev.unit)) : '—'}</td><td class="num">${h(change)}</td></tr>`
      );
    });
    const note = earlier.length === 0 ? '<p class="muted">No earlier run of this suite with these models in the history yet.</p>' : '';
    return (
      `<h3>${h(suite.name)} <span class="muted">${runs.length} run(s)</span></h3>${note}` +
      `<table><thead><tr><th>metric</th><th>last ${last} runs</th><th>this run</th><th>previous</th><th>change</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    );
  });
  const warn = warnings.length > 0 ? `<p class="warn">${warnings.length} unreadable history line(s) skipped, e.g. ${h(warnings[0]!)}</p>` : '';
  return (
    `<div class="history"><style>${CSS}</style>` +
    `<p class="muted">Headline metrics of the same gate, suite and models (sha256) over the last ${last} runs, from <code>${h(historyPath)}</code>; the red dot is this run. ` +
    `A trend is not a verdict: <code>embedgate compare</code> tells a change from noise.</p>${warn}${blocks.join('')}</div>`
  );
}
