// `embedgate run <file.yaml>...` and `embedgate gate <N>`: load the files, run every suite against
// its targets, write the reports, and return the verdict's exit code. SIGINT or SIGTERM stops the
// run and still writes an interrupted report.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { formatConfigErrors } from '../config/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { resolveOutputRoot, resolveReporters } from '../report/registry.ts';
import { runPlan } from '../run.ts';
import { TargetPool } from '../targets/open.ts';
import { annotateRun, recordRun } from '../history/record-run.ts';
import { applyDurationOverride } from './duration-override.ts';
import { loadFiles } from './load-files.ts';
import { parseModelOverrides, UsageError, type ParsedValues } from './options.ts';
import { parseShardOptions } from '../shard/spec.ts';
import { parseTargetUrls } from '../shard/target-url.ts';
import { prepareShard, shardExitCode, startShard } from '../shard/run-shard.ts';

export function newRunId(label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${label}-${randomBytes(3).toString('hex')}`;
}

/** `onRunDir`: told the run's directory before any suite starts (embedgate profile puts its profiles there). */
export async function runFiles(files: string[], label: string, values: ParsedValues, argv: string[], onRunDir?: (outDir: string) => void): Promise<number> {
  const overrides = parseModelOverrides(values.model);
  const shard = parseShardOptions(values);
  const loaded = loadFiles(files, overrides);
  if (Array.isArray(loaded)) {
    process.stderr.write(formatConfigErrors(loaded) + '\n');
    return EXIT.usage;
  }
  if (values.duration !== undefined) for (const line of applyDurationOverride(values.duration, loaded.suites)) process.stderr.write(`${line}\n`);
  if (!shard && values['target-url']) throw new UsageError('--target-url applies to sharded runs only: add --shard i/n');
  const sharded = shard ? prepareShard(shard, loaded, process.env, parseTargetUrls(values['target-url'])) : undefined;
  for (const line of sharded?.lines ?? []) process.stderr.write(`${line}\n`);
  const runId = newRunId(shard ? `${label}-shard${shard.index}of${shard.count}` : label);
  const reportsRoot = resolveOutputRoot(values.out);
  const outDir = join(reportsRoot, runId);
  onRunDir?.(outDir);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\n${signal}: stopping; writing an interrupted report to ${outDir}\n`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const targets = new TargetPool({ overrides, env: process.env, onLog: (m) => process.stderr.write(`${m}\n`) });
  try {
    if (shard && sharded) await startShard(shard, loaded, sharded.wholeOnShard0, runId, outDir, controller.signal);
    const report = await runPlan({
      runId,
      outDir,
      ...(loaded.gate ? { gate: loaded.gate } : {}),
      suites: loaded.suites,
      reporters: resolveReporters(values.reporter),
      targets,
      signal: controller.signal,
      seed: Number(values.seed ?? 1),
      argv,
      annotate: (r) => {
        try {
          return annotateRun(r, reportsRoot, values['out-of-order'] === true);
        } catch (err) {
          process.stderr.write(`embedgate: could not read the gate ledger, so this run's order is not checked: ${(err as Error).message}\n`);
          return r;
        }
      },
    });
    // A shard's verdict is of its share only: the ledger and history get the merged run, not it.
    if (shard) return shardExitCode(report, shard);
    // History and ledger are the run's record, not its verdict: a failure to write them is shown, and the exit code stays.
    for (const problem of recordRun(report, outDir, reportsRoot)) process.stderr.write(`embedgate: ${problem}\n`);
    return report.exitCode;
  } finally {
    await targets.closeAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
