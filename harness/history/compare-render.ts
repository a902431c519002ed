// A Comparison as text for the terminal and as compare.md: the counts first, then per suite the
// metrics that changed (or could not be told), then those with no change.
import { formatValue } from '../format.ts';
import type { Comparison, RunSummary, SuiteComparison } from './compare.ts';
import type { CompareVerdict, MetricComparison } from './compare-verdict.ts';

export const VERDICT_ORDER: CompareVerdict[] = ['worse', 'better', 'changed', 'not enough runs', 'not enough data', 'no change'];

const value = (m: MetricComparison, side: 'a' | 'b'): string => (m[side] === undefined ? '—' : formatValue(m[side]!, m.unit));
const change = (m: MetricComparison): string => (m.change === undefined ? '—' : `${m.change >= 0 ? '+' : ''}${(m.change * 100).toFixed(1)} %`);
const byVerdict = (ms: MetricComparison[]): MetricComparison[] => [...ms].sort((x, y) => VERDICT_ORDER.indexOf(x.verdict) - VERDICT_ORDER.indexOf(y.verdict));

export function countsLine(c: Comparison): string {
  return VERDICT_ORDER.filter((v) => c.counts[v] > 0).map((v) => `${c.counts[v]} ${v}`).join(', ') || 'nothing to compare';
}

const runs = (side: RunSummary[]): string => side.map((r) => `${r.runId}${r.gate !== undefined ? ` (gate ${r.gate})` : ''} ${r.verdict}`).join(', ');

export function headline(c: Comparison): string {
  if (c.counts.worse > 0) return 'WORSE';
  if (c.counts.better > 0) return 'BETTER';
  if (c.counts.changed > 0) return 'CHANGED';
  return c.counts['no change'] > 0 ? 'NO CHANGE' : 'NOT ENOUGH DATA';
}

export function renderText(c: Comparison): string {
  const lines = [
    `embedgate compare: ${headline(c)} — ${countsLine(c)} (noise band ±${(c.noise * 100).toFixed(0)} %)`,
    `  A: ${runs(c.a)}`,
    `  B: ${runs(c.b)}`,
    ...c.warnings.map((w) => `  warning: ${w}`),
  ];
  for (const s of c.suites) {
    lines.push('', `${s.suite} (${s.kind}): ${s.outcomes.a.join('/')} → ${s.outcomes.b.join('/')}`);
    if (s.modelsDiffer.length > 0) lines.push(`  models differ: ${s.modelsDiffer.join('; ')}`);
    // The terminal gets the changes one per line and the rest as counts; compare.md has every row.
    const shown = byVerdict(s.metrics).filter((m) => m.verdict !== 'no change' && m.verdict !== 'not enough data');
    for (const m of shown) lines.push(`  ${m.verdict.padEnd(15)} ${m.metric}: ${value(m, 'a')} → ${value(m, 'b')} (${change(m)}); ${m.evidence}`);
    for (const verdict of ['not enough data', 'no change'] as const) {
      const names = s.metrics.filter((m) => m.verdict === verdict).map((m) => m.metric);
      if (names.length > 0) lines.push(`  ${verdict.padEnd(15)} ${names.length} metric(s): ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`);
    }
  }
  if (c.onlyInA.length > 0) lines.push('', `only in A: ${c.onlyInA.join(', ')}`);
  if (c.onlyInB.length > 0) lines.push('', `only in B: ${c.onlyInB.join(', ')}`);
  return lines.join('\n');
}

const md = (s: string): string => s.replace(/\|/g, '\\|');

function suiteMd(s: SuiteComparison): string[] {
  const out = ['', `### ${md(s.suite)} (${s.kind}): ${s.outcomes.a.join('/')} → ${s.outcomes.b.join('/')}`];
  if (s.modelsDiffer.length > 0) out.push('', `> Models differ between the sides: ${md(s.modelsDiffer.join('; '))}`);
  out.push('', '| verdict | metric | A | B | change | evidence |', '| --- | --- | --- | --- | --- | --- |');
  for (const m of byVerdict(s.metrics)) out.push(`| ${m.verdict} | \`${m.metric}\` | ${value(m, 'a')} | ${value(m, 'b')} | ${change(m)} | ${md(m.evidence)} |`);
  return out;
}

export function renderMarkdown(c: Comparison): string {
  return [
    `## embedgate compare: ${headline(c)}`,
    '',
    `${countsLine(c)}. Noise band ±${(c.noise * 100).toFixed(0)} %: a change counts only when its interval (or a Mann–Whitney test) clears chance and this band.`,
    '',
    `- **A**: ${md(runs(c.a))}`,
    `- **B**: ${md(runs(c.b))}`,
    ...c.warnings.map((w) => `\n> **Warning**: ${md(w)}`),
    ...c.suites.flatMap(suiteMd),
    ...(c.onlyInA.length > 0 ? ['', `Only in A: ${c.onlyInA.map(md).join(', ')}`] : []),
    ...(c.onlyInB.length > 0 ? ['', `Only in B: ${c.onlyInB.map(md).join(', ')}`] : []),
    '',
  ].join('\n');
}
