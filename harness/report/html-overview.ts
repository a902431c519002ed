// The first screen of report.html: what needs attention (every failed or inconclusive check, every
// suite that could not run, one line each, with why) and each suite's headline numbers, the
// candidate beside the baseline, with the check that decided on them. Headline numbers are the
// metrics the suite's checks read: those are the numbers the gate was decided on.
import { parseCheck } from '../gates/parse.ts';
import { metricsOf } from '../gates/expression.ts';
import type { CheckResult, CheckStatus, MetricValue, RunReport, SuiteResult } from '../result.ts';
import { formatMetric, formatMs } from '../format.ts';
import { CHECK_SYMBOL, OUTCOME_SYMBOL } from './format.ts';
import { escapeHtml as h } from './html-escape.ts';
import { changeOf, queryChangeLine } from './retrieval-change.ts';

const MAX_FINDINGS = 12;
const MAX_HEADLINES = 3;
const STATUS_ORDER: Record<CheckStatus, number> = { fail: 0, inconclusive: 1, pass: 2 };

export interface Headline {
  metric: string;
  value?: MetricValue;
  baseline?: MetricValue;
  check: CheckResult;
}

/** The suite's own metrics a check reads; its baseline's values are shown beside them. */
function metricsRead(check: CheckResult): string[] {
  try {
    return metricsOf(parseCheck(check.source)).filter((m) => m.scope === 'self').map((m) => m.name);
  } catch {
    return []; // a check that does not parse was reported when the suite loaded
  }
}

/** Up to MAX_HEADLINES metrics, those of failed checks first, then inconclusive, then passed. */
export function headlines(suite: SuiteResult): Headline[] {
  const checks = [...suite.checks].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || Number(a.implicit ?? false) - Number(b.implicit ?? false));
  const out: Headline[] = [];
  const seen = new Set<string>();
  for (const check of checks) {
    for (const metric of metricsRead(check)) {
      if (seen.has(metric)) continue;
      seen.add(metric);
      const value = suite.metrics[metric];
      const baseline = suite.baselineMetrics?.[metric];
      out.push({ metric, check, ...(value ? { value } : {}), ...(baseline ? { baseline } : {}) });
      if (out.length >= MAX_HEADLINES) return out;
    }
  }
  return out;
}

/** Candidate against baseline in one word: ×1.83, or +0.02 for ratios near zero. */
export function change(value: MetricValue, baseline: MetricValue): string {
  if (baseline.value === 0) return value.value === 0 ? 'same' : '';
  const r = value.value / baseline.value;
  if (!Number.isFinite(r)) return '';
  if (Math.abs(r - 1) < 0.005) return 'same';
  return r >= 0 ? `×${r >= 10 ? r.toFixed(0) : r.toFixed(2)}` : '';
}

export interface Finding {
  status: 'fail' | 'inconclusive' | 'error';
  suite?: string;
  text: string;
  why: string;
}

/** What a reviewer must read first: problems, one line each, worst first. */
export function findings(report: RunReport): Finding[] {
  const out: Finding[] = [];
  for (const e of report.harnessErrors) out.push({ status: 'error', text: 'harness error', why: e });
  const missing = report.gate?.missingKinds ?? [];
  if (missing.length > 0) out.push({ status: 'inconclusive', text: `gate ${report.gate?.number} needs suite kinds that did not run`, why: missing.join(', ') });
  for (const s of report.suites) {
    if (s.outcome === 'error') out.push({ status: 'error', suite: s.name, text: 'could not run', why: s.reason ?? 'no reason given' });
    if (s.stoppedEarly) out.push({ status: 'fail', suite: s.name, text: `stopped early at window ${s.stoppedEarly.window}`, why: `${s.stoppedEarly.check} failed with abortOnFail, at ${formatMs(s.stoppedEarly.atMs)}` });
    for (const c of s.checks) if (c.status !== 'pass') out.push({ status: c.status, suite: s.name, text: c.source, why: c.detail });
    // An inconclusive suite whose checks all passed is inconclusive for its own reason (too short, no checks).
    if (s.outcome === 'inconclusive' && s.checks.every((c) => c.status === 'pass')) out.push({ status: 'inconclusive', suite: s.name, text: 'inconclusive', why: s.reason ?? 'no reason given' });
  }
  const rank = { fail: 0, error: 1, inconclusive: 2 } as const;
  return out.sort((a, b) => rank[a.status] - rank[b.status]);
}

const symbol = (status: Finding['status']): string => (status === 'error' ? OUTCOME_SYMBOL.error : CHECK_SYMBOL[status]);

function findingsList(report: RunReport): string {
  const all = findings(report);
  if (all.length === 0) {
    const checks = report.suites.reduce((n, s) => n + s.checks.length, 0);
    return `<p class="all-clear" data-findings="0">Nothing failed and nothing was inconclusive: ${checks} checks in ${report.suites.length} suites passed.</p>`;
  }
  const anchor = (name: string) => `#suite-${report.suites.findIndex((s) => s.name === name)}`;
  const shown = all.slice(0, MAX_FINDINGS).map(
    (f) =>
      `<li data-finding="${h(f.status)}"><span class="status-${h(f.status)}">${h(symbol(f.status))} ${h(f.status)}</span> ` +
      `${f.suite ? `<a href="${anchor(f.suite)}">${h(f.suite)}</a>: ` : ''}<code>${h(f.text)}</code> <span class="why">${h(f.why)}</span></li>`,
  );
  const more = all.length > MAX_FINDINGS ? `<li class="muted">and ${all.length - MAX_FINDINGS} more in the suites below</li>` : '';
  return `<ul class="findings" data-findings="${all.length}">${shown.join('')}${more}</ul>`;
}

function headlineCells(hl: Headline | undefined): string {
  if (!hl) return '<td class="muted" colspan="4">no check reads a metric of this suite</td>';
  // A check over windows judged each window's value, not the suite's total: say how the windows went.
  const w = hl.check.windows;
  const value = w ? (w.failed > 0 ? `${w.failed} of ${w.judged} windows failed` : `${w.judged} of ${w.closed} windows passed`) : hl.value ? formatMetric(hl.value) : 'not measured';
  const base = hl.baseline ? formatMetric(hl.baseline) : '—';
  const delta = !w && hl.value && hl.baseline ? change(hl.value, hl.baseline) : '';
  return (
    `<td><code>${h(hl.metric)}</code>${w ? ' <span class="muted">per window</span>' : ''} <strong class="num">${h(value)}</strong></td><td class="num">${h(base)}</td><td class="num">${h(delta)}</td>` +
    `<td class="decided status-${h(hl.check.status)}" title="${h(hl.check.detail)}">${h(CHECK_SYMBOL[hl.check.status])} <code>${h(hl.check.source)}</code></td>`
  );
}

function suiteRows(suite: SuiteResult, index: number): string {
  const hls = headlines(suite);
  const span = Math.max(1, hls.length);
  const passed = suite.checks.filter((c) => c.status === 'pass').length;
  // A retrieval suite with a baseline says what its users will see change, one line, linked to the section.
  const change = changeOf(suite);
  const changeLine = change ? `<br><a class="query-change" data-query-change href="#change-${index}">${h(queryChangeLine(change))}</a>` : '';
  const head =
    `<td rowspan="${span}"><a href="#suite-${index}">${h(suite.name)}</a><br><span class="muted">${h(suite.kind)} · ${passed}/${suite.checks.length} checks · ${h(formatMs(suite.durationMs))}</span>${changeLine}</td>` +
    `<td rowspan="${span}" class="status-${h(suite.outcome)}">${h(OUTCOME_SYMBOL[suite.outcome])} ${h(suite.outcome)}</td>`;
  const rows = (hls.length > 0 ? hls : [undefined]).map((hl, i) => `<tr data-headline="${h(suite.name)}">${i === 0 ? head : ''}${headlineCells(hl)}</tr>`);
  return rows.join('');
}

/** The overview block: findings, then one row group per suite. */
export function overviewSection(report: RunReport): string {
  const suites =
    report.suites.length === 0
      ? '<p class="muted">No suite ran.</p>'
      : `<table class="glance"><thead><tr><th>suite</th><th>outcome</th><th>headline (candidate)</th><th>baseline</th><th>change</th><th>decided by</th></tr></thead>` +
        `<tbody>${report.suites.map(suiteRows).join('')}</tbody></table>`;
  return `<section class="overview" id="overview" data-overview><h2>What needs attention</h2>${findingsList(report)}<h2>Suites at a glance</h2>${suites}</section>`;
}
