// report.html: one self-contained file a reviewer can open offline. The first screen says what
// happened (the verdict, what failed or was inconclusive and why, each suite's headline numbers
// against the baseline with the check that decided); each suite's section follows with its charts
// and tables. Charts are uPlot, inlined with the page's chart script; a CSP lets exactly those two
// scripts run (by hash) and forbids every fetch, so even a bug here cannot make the page phone
// home. It shows what is in the RunReport and the window events, and judges nothing.
// data-verdict / data-outcome / data-status / data-finding / data-series attributes are there for
// browser tests and scraping.
import { join } from 'node:path';
import type { WindowEvent } from '../events.ts';
import type { ModelInfo, RunReport } from '../result.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import { formatBytes, formatMs } from '../format.ts';
import type { ChartSpec } from './chart-specs.ts';
import { describeExitCode, shortSha } from './format.ts';
import { WindowHistograms } from './hdr-plot.ts';
import { escapeHtml as h } from './html-escape.ts';
import { overviewSection } from './html-overview.ts';
import { CSS } from './html-style.ts';
import { suiteSection, type SuiteWindows } from './html-suite.ts';
import { inlineAssets, jsonForScript, scriptHash } from './inline-assets.ts';
import type { Reporter } from './reporter.ts';
import { RunWindowSeries } from './window-series.ts';

export const HTML_REPORT_FILE = 'report.html';

/**
 * A section another part of embedgate adds to report.html (run history, for one), placed right
 * below the overview. `html` is inserted as is: build it with escapeHtml (html-escape.ts), and
 * without scripts (the page's CSP would block them).
 */
export interface ExtraSection {
  id: string;
  title: string;
  html: string;
  /** uPlot charts drawn into elements of `html` by id (chart-specs.ts, client/charts.js). */
  charts?: ChartSpec[];
}

export type ExtraSections = (report: RunReport, outDir: string) => ExtraSection[] | Promise<ExtraSection[]>;

export interface HtmlReporterOptions {
  extraSections?: ExtraSections;
}

export interface RenderOptions {
  /** Per suite, what its windows showed; without it the page has no time series. */
  windows?: (suite: string) => SuiteWindows | undefined;
  extraSections?: ExtraSection[];
}

/** Window series and histograms of a run, collected as windows arrive, bounded per suite. */
export class RunWindows {
  private readonly series = new RunWindowSeries();
  private readonly histograms = new Map<string, WindowHistograms>();

  add(event: WindowEvent): void {
    this.series.add(event);
    let hist = this.histograms.get(event.suite);
    if (!hist) this.histograms.set(event.suite, (hist = new WindowHistograms()));
    hist.add(event);
  }

  clear(): void {
    this.series.clear();
    this.histograms.clear();
  }

  /** What render options need; the suite's result names its target and baseline. */
  of(report: RunReport): (suite: string) => SuiteWindows | undefined {
    return (name) => {
      const suite = report.suites.find((s) => s.name === name);
      const series = this.series.get(name)?.snapshot();
      const hdr = suite ? this.histograms.get(name)?.chart(suite) : undefined;
      if (!series && !hdr?.chart && !hdr?.problem) return undefined;
      return { ...(series ? { series } : {}), ...(hdr?.chart ? { distribution: hdr.chart } : {}), ...(hdr?.problem ? { problem: hdr.problem } : {}) };
    };
  }
}

export function createHtmlReporter(options: HtmlReporterOptions = {}): Reporter {
  const windows = new RunWindows();
  return {
    name: 'html',
    onRunStart() {
      windows.clear();
    },
    onWindow(event) {
      windows.add(event);
    },
    async onRunEnd(report, outDir) {
      const extraSections = options.extraSections ? await options.extraSections(report, outDir) : [];
      await writeFileAtomic(join(outDir, HTML_REPORT_FILE), renderHtml(report, { windows: windows.of(report), extraSections }));
    },
  };
}

/** The candidate and baseline models the suites ran on, in one line. */
function modelsLine(report: RunReport): string {
  const describe = (m: ModelInfo | undefined, ref: string) => (m ? `${m.name} (${shortSha(m.sha256, 8)}, ${m.dimensions} dims)` : ref);
  const pair = report.suites.find((s) => s.compare);
  if (pair) return `<p>candidate ${h(describe(pair.target.model, pair.target.ref))} against baseline ${h(describe(pair.compare!.model, pair.compare!.ref))}</p>`;
  const only = report.suites[0];
  return only ? `<p>target ${h(describe(only.target.model, only.target.ref))}</p>` : '';
}

function banner(report: RunReport): string {
  const what = report.gate ? `gate ${report.gate.number}: ${report.gate.title}` : 'run';
  return (
    `<header class="banner verdict-${h(report.verdict)}" data-verdict="${h(report.verdict)}" data-exit-code="${report.exitCode}">` +
    `<h1>${h(report.verdict.toUpperCase())}</h1>` +
    `<p><strong>embedgate ${h(what)}</strong>: ${h(report.reason)}</p>` +
    (report.gate?.order && report.gate.order.status !== 'in-order' ? `<p class="gate-order" data-gate-order="${h(report.gate.order.status)}"><strong>${h(report.gate.order.note)}</strong></p>` : '') +
    modelsLine(report) +
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

const extra = (s: ExtraSection): string => `<section class="extra" id="${h(s.id)}" data-extra="${h(s.id)}"><h2>${h(s.title)}</h2>${s.html}</section>`;

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

/** The page's scripts: the chart data, uPlot and the chart script; none when there is no chart. */
function scripts(specs: ChartSpec[]): { html: string; hashes: string[]; css: string } {
  if (specs.length === 0) return { html: '', hashes: [], css: '' };
  const assets = inlineAssets();
  return {
    html:
      `<script type="application/json" id="embedgate-charts">${jsonForScript(specs)}</script>` +
      `<script>${assets.uplotJs}</script><script>${assets.chartsJs}</script>` +
      `<noscript><p class="muted">The charts need JavaScript; every number they draw is in the tables and in report.json.</p></noscript>`,
    hashes: [scriptHash(assets.uplotJs), scriptHash(assets.chartsJs)],
    css: assets.uplotCss,
  };
}

export function renderHtml(report: RunReport, options: RenderOptions = {}): string {
  const title = `embedgate ${report.gate ? `gate ${report.gate.number}` : 'run'}: ${report.verdict.toUpperCase()}`;
  const specs: ChartSpec[] = [];
  const suites = report.suites.map((s, i) => suiteSection(s, i, options.windows?.(s.name), specs)).join('');
  for (const section of options.extraSections ?? []) specs.push(...(section.charts ?? []));
  const page = scripts(specs);
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:${page.hashes.length > 0 ? `; script-src ${page.hashes.join(' ')}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${h(title)}</title><style>${CSS}${page.css}</style></head>
<body>${banner(report)}<main>${overviewSection(report)}${problems(report)}${(options.extraSections ?? []).map(extra).join('')}${suites}${modelsTable(report.provenance.models)}${provenance(report)}</main>${page.html}</body></html>
`;
}
