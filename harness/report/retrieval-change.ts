// report.html's "What users will see change" section, one per retrieval suite that compared a
// candidate with a baseline (details.change, written by kinds/retrieval/change.ts): how many
// queries got better, worse or stayed the same, the biggest movers with both models' top 5, how
// much the two top-10 lists overlap, where each model's cosine scores of relevant and irrelevant
// pairs lie with the candidate's threshold that keeps the baseline's precision, and what the
// migration costs. Placed below the overview through html.ts's extraSections hook; the
// calibration charts are uPlot time charts with a cosine x axis (chart-specs.ts, client/charts.js).
import type { CalibrationSide, Mover, MoverDocument, RetrievalChange } from '../kinds/retrieval/change.ts';
import type { RunReport, SuiteResult } from '../result.ts';
import { formatBytes, formatMs, formatNumber } from '../format.ts';
import type { TimeChartSpec } from './chart-specs.ts';
import { escapeHtml as h } from './html-escape.ts';

/** The shape of html.ts's ExtraSection, written out so this file does not import the page. */
export interface ChangeSection {
  id: string;
  title: string;
  html: string;
  charts: TimeChartSpec[];
}

const CSS =
  '.change table.movers{table-layout:fixed}.change .movers td{vertical-align:top;overflow:hidden}.change .top5{margin:0;padding-left:20px;font-size:12px}' +
  '.change .top5 li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}' +
  '.change .mark{display:inline-block;width:1.1em;font-weight:700}.change li.relevant .mark{color:var(--pass)}.change li.irrelevant .mark{color:var(--muted)}' +
  '.change .snip{color:var(--muted)}.change .cal-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px}' +
  '.change .movers th:nth-child(1){width:22%}.change .movers th:nth-child(2){width:12%}.change .gain{color:var(--pass)}.change .loss{color:var(--fail)}.change .summary-line{font-size:15px}';

/** The suite's details.change, when it is a retrieval suite that compared two models. */
export function changeOf(suite: SuiteResult): RetrievalChange | undefined {
  const change = suite.kind === 'retrieval' ? (suite.details as { change?: RetrievalChange } | undefined)?.change : undefined;
  return change && typeof change === 'object' && change.queries && change.movers ? change : undefined;
}

/** "baseline" for a model named baseline, "baseline nomic-embed-text" otherwise. */
const who = (role: string, name: string): string => (name === role ? h(role) : `${h(role)} <code>${h(name)}</code>`);

export const signed = (x: number, digits = 3): string => (x > 0 ? '+' : x < 0 ? '−' : '±') + Math.abs(x).toFixed(digits);

/** "nDCG@10 per query: 212 better, 180 worse, 408 same (within ±0.01); median change +0.000" */
export function queryChangeLine(change: RetrievalChange): string {
  const q = change.queries;
  return `nDCG@10 per query: ${q.better} better, ${q.worse} worse, ${q.same} same (within ±${change.sameWithin}) of ${q.total}; median change ${signed(q.medianDelta)}`;
}

const docItem = (d: MoverDocument): string =>
  `<li class="${d.relevant ? 'relevant' : 'irrelevant'}" title="${h(`${d.id} (${d.score}): ${d.snippet}`)}">` +
  `<span class="mark" aria-label="${d.relevant ? 'relevant' : 'not relevant'}">${d.relevant ? '✓' : '·'}</span>` +
  `<code>${h(d.id)}</code> <span class="num">${d.score.toFixed(3)}</span> <span class="snip">${h(d.snippet)}</span></li>`;

const topList = (docs: MoverDocument[]): string => `<ol class="top5">${docs.map(docItem).join('')}</ol>`;

function moversTable(change: RetrievalChange, movers: Mover[], way: 'up' | 'down'): string {
  const title = way === 'down' ? 'Got worse' : 'Got better';
  if (movers.length === 0) return `<h3>${title}</h3><p class="muted" data-movers="${way}" data-count="0">No query's nDCG@10 ${way === 'down' ? 'fell' : 'rose'} by more than ${change.sameWithin}.</p>`;
  const rows = movers.map(
    (m) =>
      `<tr data-mover="${way}" data-query="${h(m.query)}"><td><code>${h(m.query)}</code><br>${h(m.text)}</td>` +
      `<td class="num">${m.before.toFixed(3)} → ${m.after.toFixed(3)}<br><strong class="${m.delta > 0 ? 'gain' : 'loss'}">${signed(m.delta)}</strong>` +
      `<br><span class="muted">overlap ${Math.round(m.overlap * 10)}/10</span></td><td>${topList(m.beforeTop)}</td><td>${topList(m.afterTop)}</td></tr>`,
  );
  return (
    `<h3>${title} <span class="muted">(the ${movers.length} largest ${way === 'down' ? 'drops' : 'gains'} in nDCG@10)</span></h3>` +
    `<table class="movers" data-movers="${way}" data-count="${movers.length}"><thead><tr><th>query</th><th>nDCG@10<br>${h(change.baseline)} → ${h(change.candidate)}</th>` +
    `<th>top ${change.movers.top}: ${h(change.baseline)} (before)</th><th>top ${change.movers.top}: ${h(change.candidate)} (after)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** Queries by how many of their top 10 the two models share (0 … 10), from details.perQuery. */
function overlapBlock(suite: SuiteResult, change: RetrievalChange): string {
  const perQuery = (suite.details as { perQuery?: { overlap_at_10?: number }[] } | undefined)?.perQuery ?? [];
  const counts = new Array<number>(11).fill(0);
  for (const q of perQuery) if (typeof q.overlap_at_10 === 'number') counts[Math.round(q.overlap_at_10 * 10)]!++;
  const total = counts.reduce((a, b) => a + b, 0);
  const line = `<p data-overlap="${change.overlap.mean}">The two models share <strong>${formatNumber(change.overlap.mean * 10, 2)} of their top 10</strong> documents on average (overlap@10 mean ${change.overlap.mean.toFixed(3)}, median ${change.overlap.median.toFixed(3)}): that share of what users see first stays; the rest is new to them.</p>`;
  if (total === 0) return line;
  const cells = counts.map((n) => `<td class="num" title="${n} queries">${total > 0 ? Math.round((100 * n) / total) : 0} %</td>`);
  return `${line}<table class="overlap-dist"><thead><tr><th>shared of top 10</th>${counts.map((_, i) => `<th class="num">${i}</th>`).join('')}</tr></thead><tbody><tr><th>queries</th>${cells.join('')}</tr></tbody></table>`;
}

function calibrationChart(id: string, change: RetrievalChange, side: CalibrationSide, role: string): TimeChartSpec {
  const cal = change.calibration;
  return {
    id,
    type: 'time',
    title: `${side.name === role ? role : `${role} ${side.name}`}: cosine scores of (query, document) pairs`,
    unit: 'ratio',
    xUnit: 'score',
    xLabel: 'cosine',
    x: cal.x,
    series: [
      { label: `relevant (${side.relevantPairs})`, color: '#1a7f37', dash: false, scale: 'y', mean: side.relevant },
      { label: `irrelevant (${side.irrelevantPairs})`, color: '#cf222e', dash: true, scale: 'y', mean: side.irrelevant },
    ],
    markers: side.point ? [{ x: side.point.threshold, label: `threshold ${formatNumber(side.point.threshold, 4)}` }] : [],
    spans: [],
    failedAt: [],
  };
}

const pct = (x: number | undefined): string => (x === undefined ? '—' : `${formatNumber(x * 100, 3)} %`);

function calibrationBlock(change: RetrievalChange, index: number, charts: TimeChartSpec[]): string {
  const cal = change.calibration;
  const specs = [calibrationChart(`change-${index}-calibration-baseline`, change, cal.baseline, 'baseline'), calibrationChart(`change-${index}-calibration-candidate`, change, cal.candidate, 'candidate')];
  charts.push(...specs);
  const figures = specs.map(
    (s) => `<figure class="chart-figure"><figcaption><strong>${h(s.title)}</strong></figcaption><div class="chart" id="${h(s.id)}" data-chart="time" data-title="${h(s.title)}"></div></figure>`,
  );
  const row = (role: string, s: CalibrationSide) =>
    `<tr data-threshold="${role}"><td>${who(role, s.name)}</td><td class="num">${s.point ? formatNumber(s.point.threshold, 4) : '—'}</td>` +
    `<td class="num">${pct(s.point?.precision)}</td><td class="num">${pct(s.point?.recall)}</td><td class="num">${s.point ? s.point.kept : '—'}</td><td class="num">${s.min.toFixed(3)} … ${s.max.toFixed(3)}</td></tr>`;
  return (
    `<h3>Score calibration</h3>` +
    `<p><strong>Thresholds do not carry over between models.</strong> A cosine of 0.5 means something different in each model's space: a search that shows results above a fixed score must get a new cut-off with the candidate, or it will show more or fewer results than before.</p>` +
    `<p class="${cal.reached ? '' : 'status-inconclusive'}" data-calibration="${cal.reached ? 'reached' : 'not-reached'}">${h(cal.note)}.</p>` +
    `<table class="thresholds"><thead><tr><th>model</th><th>threshold</th><th>precision</th><th>recall</th><th>pairs kept</th><th>score range</th></tr></thead>` +
    `<tbody>${row('baseline', cal.baseline)}${row('candidate', cal.candidate)}</tbody></table>` +
    `<p class="muted chart-note">Share of each class of pairs per bin (${formatNumber(cal.binWidth, 3)} wide); the qrels decide relevance, every unjudged pair counts as irrelevant. The dashed vertical line is the model's threshold.</p>` +
    `<div class="cal-grid">${figures.join('')}</div>`
  );
}

function migrationBlock(change: RetrievalChange): string {
  const m = change.migration;
  const row = (role: string, s: RetrievalChange['migration']['candidate']) =>
    `<tr data-migration="${role}"><td>${who(role, s.name)}</td><td class="num">${s.dimensions}</td><td class="num">${formatNumber(s.docsPerSecond)}/s</td>` +
    `<td class="num">${h(formatMs(s.seconds * 1000))}</td><td class="num">${h(formatBytes(s.indexBytes))}</td></tr>`;
  const n = m.documents.toLocaleString('en-US');
  const from = m.documentsFrom === 'dataset' ? "the dataset's corpus; set <code>retrieval.corpusSize</code> for yours" : 'the suite\'s <code>retrieval.corpusSize</code>';
  return (
    `<h3>Migration cost</h3><p>Re-embedding and storing ${n} documents (${from}), at the rate measured in ${h(m.measuredOn)} on this run's machine. ` +
    `The index is ${n} × dimensions × 4 bytes of float32 vectors, before any index structure.</p>` +
    `<table class="migration"><thead><tr><th>model</th><th>dimensions</th><th>measured</th><th>re-embed ${n} documents</th><th>vectors</th></tr></thead>` +
    `<tbody>${row('baseline', m.baseline)}${row('candidate', m.candidate)}</tbody></table>`
  );
}

/** One section per retrieval suite with details.change, in suite order. */
export function retrievalChangeSections(report: RunReport): ChangeSection[] {
  const out: ChangeSection[] = [];
  report.suites.forEach((suite, index) => {
    const change = changeOf(suite);
    if (!change) return;
    const charts: TimeChartSpec[] = [];
    const q = change.queries;
    const html =
      `<style>${CSS}</style><div class="change" data-change="${h(suite.name)}">` +
      `<p class="summary-line" data-query-change="${q.better}/${q.worse}/${q.same}">Replacing <code>${h(change.baseline)}</code> with <code>${h(change.candidate)}</code> in <a href="#suite-${index}">${h(suite.name)}</a>: of ${q.total} queries, nDCG@10 is ` +
      `<strong class="gain">better for ${q.better}</strong>, <strong class="loss">worse for ${q.worse}</strong> and the same (within ±${change.sameWithin}) for ${q.same}; ` +
      `median change ${signed(q.medianDelta)}, mean ${signed(q.meanDelta)}.</p>` +
      overlapBlock(suite, change) +
      moversTable(change, change.movers.down, 'down') +
      moversTable(change, change.movers.up, 'up') +
      `<p class="muted">✓ relevant by the qrels, · not judged relevant; scores are cosines. Every query's difference and overlap is in the suite's details (perQuery) and report.json.</p>` +
      calibrationBlock(change, index, charts) +
      migrationBlock(change) +
      `</div>`;
    out.push({ id: `change-${index}`, title: `What users will see change: ${suite.name}`, html, charts });
  });
  return out;
}
