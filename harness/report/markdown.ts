// summary.md, written to be appended to $GITHUB_STEP_SUMMARY: the verdict first, then one table of
// checks per suite, key metrics, models and provenance. Every user-supplied string is escaped, so
// a `|` in a detail cannot break a table and a `<` cannot open an HTML tag.
import { join } from 'node:path';
import type { Metrics, ModelInfo, RunReport, SuiteResult, Verdict } from '../result.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import { formatBytes, formatMetric, formatMs } from '../format.ts';
import { describeExitCode, shortSha, sortMetricNames } from './format.ts';
import type { Reporter } from './reporter.ts';
import { retrievalChangeMarkdown } from './retrieval-change-markdown.ts';

export const SUMMARY_FILE = 'summary.md';

export function createMarkdownReporter(): Reporter {
  return {
    name: 'markdown',
    async onRunEnd(report, outDir) {
      await writeFileAtomic(join(outDir, SUMMARY_FILE), renderSummary(report));
    },
  };
}

/** Escapes text for a table cell or a paragraph: markdown punctuation, HTML, pipes, newlines. */
export function escapeMd(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/\r?\n/g, '<br>');
}

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️' };
const STATUS_ICON: Record<string, string> = { pass: '✅ pass', fail: '❌ fail', inconclusive: '⚠️ inconclusive', error: '💥 error' };

const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

function table(header: string[], rows: string[][]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

function heading(report: RunReport): string[] {
  const what = report.gate ? `gate ${report.gate.number} (${escapeMd(report.gate.title)})` : 'run';
  const lines = [
    `## ${VERDICT_ICON[report.verdict]} embedgate ${what}: ${report.verdict.toUpperCase()}`,
    '',
    `**Exit code ${report.exitCode}** (${describeExitCode(report.exitCode)}). ${escapeMd(report.reason)}`,
  ];
  if (report.status !== 'completed') lines.push('', `> **The run was ${report.status}**: results are partial.`);
  if (report.gate?.order && report.gate.order.status !== 'in-order') lines.push('', `> **${escapeMd(report.gate.order.note)}**`);
  if (report.harnessErrors.length > 0) {
    lines.push('', '### Harness errors', '', ...report.harnessErrors.map((e) => `- ${escapeMd(e)}`));
  }
  const missing = report.gate?.missingKinds ?? [];
  if (missing.length > 0) {
    lines.push('', `### Missing suite kinds`, '', `Gate ${report.gate?.number} needs suites of these kinds and none ran: ${missing.map(escapeMd).join(', ')}.`);
  }
  return lines;
}

function overview(report: RunReport): string[] {
  if (report.suites.length === 0) return ['', '_No suite ran._'];
  const rows = report.suites.map((s) => [
    escapeMd(s.name),
    escapeMd(s.kind),
    escapeMd(s.target.ref),
    STATUS_ICON[s.outcome] ?? s.outcome,
    `${s.checks.filter((c) => c.status === 'pass').length}/${s.checks.length}`,
    formatMs(s.durationMs),
  ]);
  return ['', table(['suite', 'kind', 'target', 'outcome', 'checks passed', 'duration'], rows)];
}

/** Metrics named in a check come first ("key"); the rest fold away to keep the summary short. */
function metricsSection(suite: SuiteResult): string[] {
  const names = sortMetricNames(Object.keys(suite.metrics));
  if (names.length === 0) return [];
  const isKey = (name: string) => suite.checks.some((c) => c.source.includes(name));
  const key = names.filter(isKey);
  const rest = names.filter((n) => !isKey(n));
  const render = (list: string[]) => metricTable(list, suite.metrics, suite.baselineMetrics);
  const lines: string[] = [];
  if (key.length > 0) lines.push('', '**Key metrics**', '', render(key));
  if (rest.length > 0) {
    lines.push('', `<details><summary>${key.length > 0 ? 'Other metrics' : 'Metrics'} (${rest.length})</summary>`, '', render(rest), '', '</details>');
  }
  return lines;
}

function metricTable(names: string[], metrics: Metrics, baseline?: Metrics): string {
  const header = baseline ? ['metric', 'value', 'baseline'] : ['metric', 'value'];
  const rows = names.map((name) => {
    const value = metrics[name];
    const cells = [escapeMd(name), value ? formatMetric(value) : ''];
    if (baseline) cells.push(baseline[name] ? formatMetric(baseline[name]) : '—');
    return cells;
  });
  return table(header, rows);
}

function suiteSection(suite: SuiteResult): string[] {
  const lines = ['', `### ${escapeMd(suite.name)}: ${STATUS_ICON[suite.outcome] ?? suite.outcome} (${formatMs(suite.durationMs)})`, ''];
  const against = suite.compare ? ` against ${escapeMd(suite.compare.ref)}` : '';
  lines.push(`Kind ${escapeMd(suite.kind)}, target ${escapeMd(suite.target.ref)}${against}, file ${escapeMd(suite.file)}.`);
  if (suite.reason) lines.push('', `> ${suite.outcome === 'error' ? '**Error:** ' : ''}${escapeMd(suite.reason)}`);
  if (suite.checks.length > 0) {
    const rows = suite.checks.map((c) => [STATUS_ICON[c.status] ?? c.status, escapeMd(c.source), escapeMd(c.detail)]);
    lines.push('', table(['status', 'check', 'detail'], rows));
  }
  return [...lines, ...retrievalChangeMarkdown(suite, escapeMd), ...metricsSection(suite)];
}

function modelsSection(models: ModelInfo[]): string[] {
  if (models.length === 0) return [];
  const rows = models.map((m) => [
    escapeMd(m.name),
    `\`${shortSha(m.sha256)}\``,
    formatBytes(m.fileSize),
    escapeMd(m.architecture),
    String(m.dimensions),
    escapeMd(m.pooling),
    escapeMd(m.quantization ?? '—'),
  ]);
  return ['', '### Models', '', table(['model', 'sha256', 'size', 'arch', 'dims', 'pooling', 'quantization'], rows)];
}

function provenanceSection(report: RunReport): string[] {
  const p = report.provenance;
  const m = p.machine;
  const commit = p.gitCommit ? `\`${p.gitCommit.slice(0, 12)}\`${p.gitDirty ? ' (dirty)' : ''}` : 'unknown';
  return [
    '',
    '### Provenance',
    '',
    `- run ${escapeMd(report.runId)}, started ${escapeMd(report.startedAt)}, took ${formatMs(report.durationMs)}`,
    `- embedgate ${escapeMd(p.harnessVersion)}, commit ${commit}, seed ${p.seed}`,
    `- machine ${escapeMd(m.hostname)}: ${escapeMd(m.cpuModel)}, ${m.availableCores}/${m.cpus} cores, ${formatBytes(m.memoryBytes)}, ${escapeMd(m.platform)}-${escapeMd(m.arch)}, node ${escapeMd(m.nodeVersion)}`,
  ];
}

export function renderSummary(report: RunReport): string {
  return [
    ...heading(report),
    ...overview(report),
    ...report.suites.flatMap(suiteSection),
    ...modelsSection(report.provenance.models),
    ...provenanceSection(report),
    '',
  ].join('\n');
}
