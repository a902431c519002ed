// One suite's section of report.html, below the overview: its checks with values substituted, its
// charts (windows over time, latency distributions, percentile bars, memory against requests, the
// swarm's timeline), its metrics beside the baseline's, and its kind-specific details.
import type { CheckResult, Metrics, SuiteResult } from '../result.ts';
import { formatMetric, formatMs } from '../format.ts';
import { hdrChartSpec, timeChartSpecs, type ChartSpec } from './chart-specs.ts';
import { CHECK_SYMBOL, sortMetricNames } from './format.ts';
import { detailDistributions, type DistributionChart } from './hdr-plot.ts';
import { escapeHtml as h } from './html-escape.ts';
import { latencyCharts } from './latency-chart.ts';
import { memoryCharts } from './memory-chart.ts';
import { swarmTimelines } from './swarm-timeline.ts';
import type { SeriesSnapshot } from './window-series.ts';

/** What the reporter collected from a suite's windows while they arrived. */
export interface SuiteWindows {
  series?: SeriesSnapshot;
  distribution?: DistributionChart;
  problem?: string;
}

const status = (s: string): string => `<span class="status-${h(s)}">${h(s)}</span>`;

function windowNote(c: CheckResult): string {
  const w = c.windows;
  if (!w) return '';
  const first = w.firstFailure ? `; first failed window ${w.firstFailure.index} at ${formatMs(w.firstFailure.startMs)}: ${w.firstFailure.detail}` : '';
  return `<br><span class="muted">over windows: ${w.judged} of ${w.closed} judged, ${w.failed} failed${w.aborted ? ', stopped the suite' : ''}${first}</span>`;
}

function checksTable(checks: CheckResult[]): string {
  if (checks.length === 0) return '';
  const rows = checks.map(
    (c) =>
      `<tr data-status="${h(c.status)}"><td class="status-${h(c.status)}">${h(CHECK_SYMBOL[c.status])} ${h(c.status)}</td>` +
      `<td><code>${h(c.source)}</code>${c.position ? `<br><span class="muted">${h(`${c.position.file}:${c.position.line}:${c.position.col}`)}</span>` : ''}</td>` +
      `<td>${h(c.detail)}${windowNote(c)}</td></tr>`,
  );
  return `<h3>Checks</h3><table><thead><tr><th>status</th><th>check</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function metricsTable(metrics: Metrics, baseline?: Metrics): string {
  const names = sortMetricNames(Object.keys(metrics));
  if (names.length === 0) return '';
  const rows = names.map((name) => {
    const m = metrics[name];
    const b = baseline?.[name];
    return `<tr><td><code>${h(name)}</code></td><td class="num">${m ? h(formatMetric(m)) : ''}</td>${baseline ? `<td class="num">${b ? h(formatMetric(b)) : '—'}</td>` : ''}</tr>`;
  });
  return `<h3>Metrics</h3><table><thead><tr><th>metric</th><th>value</th>${baseline ? '<th>baseline</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

type Row = Record<string, string | number | boolean | null>;

const isRowArray = (value: unknown): value is Row[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r) && Object.values(r).every((v) => v === null || typeof v !== 'object'));

const MAX_DETAIL_ROWS = 200;

/** Detail keys drawn elsewhere in the suite's section, not dumped as tables. */
const CHARTED_DETAILS = new Set(['leakSeries', 'change']);

/** Kind-specific details: a list of flat rows becomes a table, anything else readable JSON. */
function detailsBlocks(details?: Record<string, unknown>): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([key]) => !CHARTED_DETAILS.has(key))
    .map(([key, value]) => {
      if (isRowArray(value)) {
        const columns = [...new Set(value.flatMap((r) => Object.keys(r)))];
        const rows = value.slice(0, MAX_DETAIL_ROWS).map((r) => `<tr>${columns.map((c) => `<td>${h(String(r[c] ?? ''))}</td>`).join('')}</tr>`);
        const more = value.length > MAX_DETAIL_ROWS ? `<p class="muted">${value.length - MAX_DETAIL_ROWS} more rows in report.json</p>` : '';
        return `<details><summary>${h(key)} (${value.length})</summary><table><thead><tr>${columns.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${more}</details>`;
      }
      return `<details><summary>${h(key)}</summary><pre>${h(JSON.stringify(value, null, 2).slice(0, 20_000))}</pre></details>`;
    })
    .join('');
}

const chartDiv = (spec: ChartSpec, caption: string): string =>
  `<figure class="chart-figure"><figcaption><strong>${h(spec.title)}</strong> <span class="muted">${h(caption)}</span></figcaption>` +
  `<div class="chart" id="${h(spec.id)}" data-chart="${h(spec.type)}" data-title="${h(spec.title)}"></div></figure>`;

function windowsBlock(suite: SuiteResult, index: number, w: SuiteWindows | undefined, specs: ChartSpec[]): string {
  const snap = w?.series;
  if (!snap || snap.x.length === 0) return '';
  const charts = timeChartSpecs(snap, `chart-${index}`);
  if (charts.length === 0) return '';
  specs.push(...charts);
  const per = snap.bucketMs > 0 ? `each point the mean of up to ${formatMs(snap.bucketMs)} of windows, the band their min and max` : 'one point per window';
  const marks = `${snap.markers.length} label changes (dashed lines), ${snap.spans.length} exempt spans (shaded), red triangles: windows whose checks failed`;
  const dropped = snap.droppedMarks > 0 ? `; ${snap.droppedMarks} more label changes and spans in events.jsonl` : '';
  const seen = `${snap.windows.target} windows${snap.windows.baseline > 0 ? ` (and ${snap.windows.baseline} of the baseline)` : ''}`;
  const note = `<p class="muted chart-note">${seen}, ${per}; ${marks}${dropped}. Time since the suite started.</p>`;
  return `<h3>Over time</h3>${note}${charts.map((c) => chartDiv(c, c.series.map((s) => s.label).join(', '))).join('')}`;
}

function distributionBlock(suite: SuiteResult, index: number, w: SuiteWindows | undefined, specs: ChartSpec[]): string {
  const problems: string[] = [];
  const charts = [...detailDistributions(suite, problems), ...(w?.distribution ? [w.distribution] : [])];
  if (w?.problem) problems.push(w.problem);
  if (charts.length === 0 && problems.length === 0) return '';
  const built = charts.map((c, k) => hdrChartSpec(c, `chart-${index}-hdr-${k}`));
  specs.push(...built);
  const note = problems.length > 0 ? `<p class="muted chart-note">${problems.map(h).join('; ')}</p>` : '';
  return (
    `<h3>Latency distribution</h3><p class="muted chart-note">Latency at each percentile from the HDR histograms, percentiles on a log scale (1 / (1 − p)); baseline dashed.</p>${note}` +
    built.map((c) => chartDiv(c, c.series.map((s) => s.label).join(' against '))).join('')
  );
}

/** The suite's section; chart specs for client/charts.js are appended to `specs`. */
export function suiteSection(suite: SuiteResult, index: number, windows: SuiteWindows | undefined, specs: ChartSpec[]): string {
  const against = suite.compare ? ` against <code>${h(suite.compare.ref)}</code>` : '';
  const bars = latencyCharts(suite.metrics, suite.baselineMetrics);
  const memory = memoryCharts(suite.details);
  const swarm = swarmTimelines(suite.details);
  return (
    `<section class="suite" id="suite-${index}" data-outcome="${h(suite.outcome)}" data-suite="${h(suite.name)}">` +
    `<h2>${h(suite.name)} ${status(suite.outcome)} <span class="muted">${h(formatMs(suite.durationMs))}</span></h2>` +
    `<p class="muted">${h(suite.kind)} on <code>${h(suite.target.ref)}</code>${against} · ${h(suite.file)} · started ${h(suite.startedAt)}</p>` +
    (suite.reason ? `<p class="reason">${h(suite.reason)}</p>` : '') +
    checksTable(suite.checks) +
    windowsBlock(suite, index, windows, specs) +
    distributionBlock(suite, index, windows, specs) +
    (bars.length > 0
      ? `<h3>Latency</h3><div class="charts">${bars.map((c) => `<figure><figcaption><code>${h(c.prefix)}</code></figcaption>${c.svg}</figure>`).join('')}</div>`
      : '') +
    (memory.length > 0
      ? `<h3>Memory against requests</h3><div class="charts">${memory.map((c) => `<figure><figcaption><code>${h(c.title)}</code> ${h(c.caption)}</figcaption>${c.svg}</figure>`).join('')}</div>`
      : '') +
    (swarm.length > 0
      ? `<h3>Swarm timeline</h3>${swarm.map((t) => `<figure><figcaption><strong>${h(t.title)}</strong> <span class="muted">${h(t.caption)}</span></figcaption>${t.svg}</figure>`).join('')}`
      : '') +
    metricsTable(suite.metrics, suite.baselineMetrics) +
    detailsBlocks(suite.details) +
    `</section>`
  );
}
