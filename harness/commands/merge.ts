// `embedgate merge DIR…`: one report from the run directories of a sharded run. The merged run is
// an ordinary run directory (events.jsonl, report.json, junit, markdown, html, so `embedgate
// report` rebuilds it), plus shards.json and a table of the shards in summary.md and on stdout.
// Its exit code is the merged verdict's: a missing or failed shard makes it inconclusive (3).
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../config/duration.ts';
import type { EmitFn, HarnessEvent } from '../events.ts';
import { EXIT } from '../exit-codes.ts';
import { createEventLog, EVENT_LOG_FILE } from '../report/event-log.ts';
import { SUMMARY_FILE } from '../report/markdown.ts';
import { resolveOutputRoot, resolveReporters } from '../report/registry.ts';
import { createReporterMux } from '../report/reporter.ts';
import { collectShards, MergeInputError } from '../shard/collect.ts';
import { mergeShards } from '../shard/merge-run.ts';
import { shardTable } from '../shard/shard-table.ts';
import { writeFileAtomicSync } from '../write-atomic.ts';
import { UsageError, type ParsedValues } from './options.ts';

const DEFAULT_MAX_SKEW_MS = 1000;

export async function mergeCommand(args: string[], values: ParsedValues): Promise<number> {
  const maxSkewMs = values['max-skew'] === undefined ? DEFAULT_MAX_SKEW_MS : parseDuration(values['max-skew']);
  if (maxSkewMs === undefined || maxSkewMs < 0) throw new UsageError(`--max-skew expects a duration such as 500ms or 1s, got "${values['max-skew']}"`);
  let collected;
  try {
    collected = collectShards(args);
  } catch (err) {
    if (err instanceof MergeInputError) throw new UsageError(err.message);
    throw err;
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const runId = `${stamp}-merge-${collected.count}shards-${randomBytes(3).toString('hex')}`;
  const outDir = join(resolveOutputRoot(values.out), runId);
  let merged;
  try {
    merged = mergeShards(collected, { runId, maxSkewMs, argv: ['merge', ...args] });
  } catch (err) {
    if (err instanceof MergeInputError) throw new UsageError(err.message);
    throw err;
  }

  mkdirSync(outDir, { recursive: true });
  const log = createEventLog(join(outDir, EVENT_LOG_FILE));
  const mux = createReporterMux(resolveReporters(values.reporter), { outDir });
  const lead = collected.shards.find((s) => s.meta.index === 0 && s.start) ?? collected.shards.find((s) => s.start)!;
  const emit: EmitFn = (partial) => {
    const event = { ...partial, time: new Date().toISOString() } as HarnessEvent;
    log.append(event);
    mux.dispatch(event);
  };
  const { report } = merged;
  const planned = new Map(collected.shards.flatMap((s) => s.start?.suites ?? []).map((p) => [p.name, p]));
  emit({ type: 'run-start', runId, outDir, ...(lead.start?.gate ? { gate: lead.start.gate } : {}), suites: report.suites.map((s) => planned.get(s.name)!).filter(Boolean), provenance: report.provenance });
  for (const line of [...merged.problems, ...merged.warnings]) emit({ type: 'log', level: 'warn', message: line });
  for (const result of report.suites) {
    emit({ type: 'suite-start', suite: result.name, kind: result.kind, target: result.target });
    emit({ type: 'suite-end', result });
  }
  emit({ type: 'run-end', report });
  const final = await mux.end(report, outDir);
  log.close();

  const table = shardTable(merged.rows, merged.warnings, merged.problems, maxSkewMs);
  writeFileAtomicSync(join(outDir, 'shards.json'), JSON.stringify({ count: collected.count, maxSkewMs, shards: merged.rows, missing: collected.missing, warnings: merged.warnings, problems: merged.problems }, null, 2) + '\n');
  if (existsSync(join(outDir, SUMMARY_FILE))) appendFileSync(join(outDir, SUMMARY_FILE), `\n${table}\n`);
  process.stdout.write(`\n${table}\nmerged report: ${outDir}\n`);
  return final.exitCode === EXIT.pass && merged.problems.length ? EXIT.inconclusive : final.exitCode;
}
