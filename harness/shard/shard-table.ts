// The table of shards a merged report ends with (Markdown, also readable on a terminal).
import type { ShardRow } from './merge-run.ts';

export function shardTable(rows: readonly ShardRow[], warnings: readonly string[], problems: readonly string[], maxSkewMs: number): string {
  const lines = [
    '## Shards',
    '',
    `Start skew is each shard's start after the planned instant; beyond ${(maxSkewMs / 1000).toFixed(3)} s it is warned about.`,
    '',
    '| shard | host | start skew | status | requests sent | answered | errors | answers checked |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.shard} | ${r.host} | ${(r.skewMs / 1000).toFixed(3)} s${Math.abs(r.skewMs) > maxSkewMs ? ' ⚠' : ''} | ${r.status} | ${r.requestsSent} | ${r.requestsAnswered} | ${r.errors} | ${r.responsesChecked} |`),
  ];
  if (rows.length > 1) {
    const total = (f: (r: ShardRow) => number) => rows.reduce((a, r) => a + f(r), 0);
    lines.push(`| all | | | | ${total((r) => r.requestsSent)} | ${total((r) => r.requestsAnswered)} | ${total((r) => r.errors)} | ${total((r) => r.responsesChecked)} |`);
  }
  for (const p of problems) lines.push('', `**Inconclusive:** ${p}`);
  for (const w of warnings) lines.push('', `**Warning:** ${w}`);
  return lines.join('\n') + '\n';
}
