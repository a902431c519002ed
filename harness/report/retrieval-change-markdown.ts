// summary.md's short version of "What users will see change" for a retrieval suite that compared
// two models: the per-query line, the overlap, the candidate's threshold, the migration cost, and
// a table of the biggest movers with each model's first result. report.html has the full top 5.
import type { Mover, RetrievalChange } from '../kinds/retrieval/change.ts';
import type { SuiteResult } from '../result.ts';
import { formatBytes, formatMs, formatNumber } from '../format.ts';
import { changeOf, queryChangeLine, signed } from './retrieval-change.ts';

/** Movers per direction in the summary (report.html shows all of them). */
const MD_MOVERS = 5;

type Escape = (text: string) => string;

function first(m: Mover, side: 'beforeTop' | 'afterTop', esc: Escape): string {
  const d = m[side][0];
  return d ? `${d.relevant ? '✓' : '·'} ${esc(d.id)} (${d.score.toFixed(3)})` : '—';
}

function threshold(change: RetrievalChange): string {
  const { baseline, candidate, reached, note } = change.calibration;
  if (!reached || !baseline.point || !candidate.point) return `Threshold: ${note}.`;
  const p = (x?: number) => (x === undefined ? '—' : `${formatNumber(x * 100, 3)} %`);
  return (
    `Threshold: the baseline's ${formatNumber(baseline.point.threshold, 4)} (precision ${p(baseline.point.precision)}, recall ${p(baseline.point.recall)}) ` +
    `becomes ${formatNumber(candidate.point.threshold, 4)} for the candidate (precision ${p(candidate.point.precision)}, recall ${p(candidate.point.recall)}); thresholds do not carry over between models.`
  );
}

/** Lines to append to the suite's part of summary.md; none when the suite has no details.change. */
export function retrievalChangeMarkdown(suite: SuiteResult, esc: Escape): string[] {
  const change = changeOf(suite);
  if (!change) return [];
  const m = change.migration;
  const cost = (s: typeof m.candidate) => `${esc(s.name)} ${formatMs(s.seconds * 1000)} and ${formatBytes(s.indexBytes)}`;
  const movers = [...change.movers.down.slice(0, MD_MOVERS), ...change.movers.up.slice(0, MD_MOVERS)];
  const lines = [
    '',
    '**What users will see change**',
    '',
    `- ${esc(queryChangeLine(change))}.`,
    `- The models share ${formatNumber(change.overlap.mean * 10, 2)} of their top 10 on average (overlap@10 median ${change.overlap.median.toFixed(3)}).`,
    `- ${esc(threshold(change))}`,
    `- Migration of ${m.documents.toLocaleString('en-US')} documents (re-embed at the measured rate; float32 vectors): ${cost(m.baseline)}; ${cost(m.candidate)}.`,
  ];
  if (movers.length > 0) {
    lines.push(
      '',
      `| query | nDCG@10 ${esc(change.baseline)} → ${esc(change.candidate)} | change | first result before | first result after |`,
      '| --- | --- | --- | --- | --- |',
      ...movers.map((mv) => `| ${esc(mv.query)}: ${esc(mv.text.slice(0, 80))} | ${mv.before.toFixed(3)} → ${mv.after.toFixed(3)} | ${signed(mv.delta)} | ${first(mv, 'beforeTop', esc)} | ${first(mv, 'afterTop', esc)} |`),
    );
  }
  return lines;
}
