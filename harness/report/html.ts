// report.html: one self-contained file a reviewer can open offline (inline CSS and SVG, no fonts,
// scripts or images from anywhere). It shows what is in the RunReport and judges nothing.
// A CSP forbids every fetch, so even a bug here cannot make the page phone home.
// data-verdict / data-outcome / data-status attributes are there for browser tests and scraping.
import { join } from 'node:path';
import type { CheckResult, Metrics, ModelInfo, RunReport, SuiteResult } from '../result.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import { formatBytes, formatMetric, formatMs } from '../format.ts';
import { CHECK_SYMBOL, describeExitCode, shortSha, sortMetricNames } from './format.ts';
import { escapeHtml as h } from './html-escape.ts';
import { latencyCharts } from './latency-chart.ts';
import { memoryCharts } from './memory-chart.ts';
import type { Reporter } from './reporter.ts';

export const HTML_REPORT_FILE = 'report.html';

export function createHtmlReporter(): Reporter {
  return {
    name: 'html',
    async onRunEnd(report, outDir) {
      await writeFileAtomic(join(outDir, HTML_REPORT_FILE), renderHtml(report));
    },
  };
}

const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--inc:#9a6700;--err:#8250df;--muted:#57606a;--line:#d0d7de;--bg:#fff;--fg:#1f2328;--alt:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--muted:#9198a1;--line:#3d444d;--bg:#0d1117;--fg:#e6edf3;--alt:#151b23}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:var(--bg);color:var(--fg)}
main{max-width:1100px;margin:0 auto;padding:0 16px 48px}
.banner{padding:20px 24px;color:#fff}
.banner h1{margin:0 0 4px;font-size:28px;letter-spacing:.04em}
.banner p{margin:2px 0}
.verdict-pass{background:var(--pass)}.verdict-fail{background:var(--fail)}.verdict-inconclusive{background:var(--inc)}
h2{margin:28px 0 8px;font-size:18px}h3{margin:16px 0 6px;font-size:15px}
table{border-collapse:collapse;margin:6px 0 12px;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--alt)}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.suite{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:4px 16px 8px;margin:16px 0}
.suite[data-outcome=pass]{border-left-color:var(--pass)}.suite[data-outcome=fail]{border-left-color:var(--fail)}
.suite[data-outcome=inconclusive]{border-left-color:var(--inc)}.suite[data-outcome=error]{border-left-color:var(--err)}
.status-pass{color:var(--pass)}.status-fail{color:var(--fail)}.status-inconclusive{color:var(--inc)}.status-error{color:var(--err)}
.muted{color:var(--muted)}.reason{padding:6px 10px;background:var(--alt);border-radius:4px}
.errors li{color:var(--fail)}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.latency-chart .axis,.latency-chart .value{font:11px ui-monospace,monospace;fill:var(--fg)}
.bar-value{fill:#0969da}.bar-baseline{fill:#8c959f}
.memory-chart .axis{font:11px ui-monospace,monospace;fill:var(--fg)}
.memory-chart .axis-line{stroke:#8c959f}.memory-chart .point{fill:#0969da}
.memory-chart .fit{stroke:#1a7f37;stroke-width:2}.memory-chart .fit-leak{stroke:#cf222e;stroke-width:2}
pre{background:var(--alt);padding:8px;overflow:auto;max-height:320px}
`;

const status = (s: string): string => `<span class="status-${h(s)}">${h(s)}</span>`;

function banner(report: RunReport): string {
  const what = report.gate ? `gate ${report.gate.number}: ${report.gate.title}` : 'run';
  return (
    `<header class="banner verdict-${h(report.verdict)}" data-verdict="${h(report.verdict)}" data-exit-code="${report.exitCode}">` +
    `<h1>${h(report.verdict.toUpperCase())}</h1>` +
    `<p><strong>embedgate ${h(what)}</strong>: ${h(report.reason)}</p>` +
    `<p>exit code ${report.exitCode} (${h(describeExitCode(report.exitCode))}) · run ${h(report.runId)} · ${h(report.status)} · ${h(formatMs(report.durationMs))}</p>` +
    `</header>`
  );
}

function problems(report: RunReport): string {
  let html = '';
  if (report.harnessErrors.length > 0) {
    html += `<h2>Harness errors</h2><ul class="errors">${report.harnessErrors.map((e) => `<li>${h(e)}</li>`).join('')}</ul>`;
  }
  const missing = report.gate?.missingKinds ?? [];
  if (missing.length > 0) {
    html += `<h2>Missing suite kinds</h2><p>Gate ${report.gate?.number} needs suites of these kinds and none ran: ${missing.map((k) => `<code>${h(k)}</code>`).join(', ')}.</p>`;
  }
  return html;
}

function overview(report: RunReport): string {
  if (report.suites.length === 0) return '<p class="muted">No suite ran.</p>';
  const rows = report.suites.map(
    (s, i) =>
      `<tr><td><a href="#suite-${i}">${h(s.name)}</a></td><td>${h(s.kind)}</td><td>${h(s.target.ref)}</td>` +
      `<td>${status(s.outcome)}</td><td class="num">${s.checks.filter((c) => c.status === 'pass').length}/${s.checks.length}</td>` +
      `<td class="num">${h(formatMs(s.durationMs))}</td></tr>`,
  );
  return `<h2>Suites</h2><table><thead><tr><th>suite</th><th>kind</th><th>target</th><th>outcome</th><th>checks passed</th><th>duration</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function checksTable(checks: CheckResult[]): string {
  if (checks.length === 0) return '';
  const rows = checks.map(
    (c) =>
      `<tr data-status="${h(c.status)}"><td class="status-${h(c.status)}">${h(CHECK_SYMBOL[c.status])} ${h(c.status)}</td>` +
      `<td><code>${h(c.source)}</code>${c.position ? `<br><span class="muted">${h(`${c.position.file}:${c.position.line}:${c.position.col}`)}</span>` : ''}</td>` +
      `<td>${h(c.detail)}</td></tr>`,
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

/** Kind-specific details: a list of flat rows becomes a table, anything else readable JSON. */
/** Detail keys drawn elsewhere in the suite's section, not dumped as tables. */
const CHARTED_DETAILS = new Set(['leakSeries']);

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

function suiteSection(suite: SuiteResult, index: number): string {
  const against = suite.compare ? ` against <code>${h(suite.compare.ref)}</code>` : '';
  const charts = latencyCharts(suite.metrics, suite.baselineMetrics);
  const memory = memoryCharts(suite.details);
  return (
    `<section class="suite" id="suite-${index}" data-outcome="${h(suite.outcome)}" data-suite="${h(suite.name)}">` +
    `<h2>${h(suite.name)} ${status(suite.outcome)} <span class="muted">${h(formatMs(suite.durationMs))}</span></h2>` +
    `<p class="muted">${h(suite.kind)} on <code>${h(suite.target.ref)}</code>${against} · ${h(suite.file)} · started ${h(suite.startedAt)}</p>` +
    (suite.reason ? `<p class="reason">${h(suite.reason)}</p>` : '') +
    checksTable(suite.checks) +
    (charts.length > 0
      ? `<h3>Latency</h3><div class="charts">${charts.map((c) => `<figure><figcaption><code>${h(c.prefix)}</code></figcaption>${c.svg}</figure>`).join('')}</div>`
      : '') +
    (memory.length > 0
      ? `<h3>Memory against requests</h3><div class="charts">${memory.map((c) => `<figure><figcaption><code>${h(c.title)}</code> ${h(c.caption)}</figcaption>${c.svg}</figure>`).join('')}</div>`
      : '') +
    metricsTable(suite.metrics, suite.baselineMetrics) +
    detailsBlocks(suite.details) +
    `</section>`
  );
}

function modelsTable(models: ModelInfo[]): string {
  if (models.length === 0) return '';
  const rows = models.map(
    (m) =>
      `<tr><td>${h(m.name)}</td><td><code title="${h(m.sha256)}">${h(shortSha(m.sha256))}</code></td><td class="num">${h(formatBytes(m.fileSize))}</td>` +
      `<td>${h(m.architecture)}</td><td class="num">${m.dimensions}</td><td>${h(m.pooling)}</td><td>${h(m.quantization ?? '—')}</td><td class="muted">${h(m.path)}</td></tr>`,
  );
  return `<h2>Models</h2><table><thead><tr><th>model</th><th>sha256</th><th>size</th><th>arch</th><th>dims</th><th>pooling</th><th>quantization</th><th>path</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function provenance(report: RunReport): string {
  const p = report.provenance;
  const m = p.machine;
  const items: [string, string][] = [
    ['run', `${report.runId}, ${report.startedAt} → ${report.finishedAt}`],
    ['embedgate', p.harnessVersion],
    ['commit', p.gitCommit ? `${p.gitCommit}${p.gitDirty ? ' (dirty)' : ''}` : 'unknown'],
    ['machine', `${m.hostname}: ${m.cpuModel}, ${m.availableCores}/${m.cpus} cores, ${formatBytes(m.memoryBytes)}, ${m.platform}-${m.arch}`],
    ['node', m.nodeVersion],
    ['seed', String(p.seed)],
    ['suite files', p.suiteFiles.map((f) => `${f.file} (${shortSha(f.sha256)})`).join(', ') || '—'],
    ['command', p.argv.join(' ')],
  ];
  return `<h2>Provenance</h2><table><tbody>${items.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`).join('')}</tbody></table>`;
}

export function renderHtml(report: RunReport): string {
  const title = `embedgate ${report.gate ? `gate ${report.gate.number}` : 'run'}: ${report.verdict.toUpperCase()}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title><style>${CSS}</style></head>
<body>${banner(report)}<main>${problems(report)}${overview(report)}${report.suites.map(suiteSection).join('')}${modelsTable(report.provenance.models)}${provenance(report)}</main></body></html>
`;
}
