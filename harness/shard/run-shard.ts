// The shard side of `embedgate run|gate --shard i/n`: split the plans, check the suite sha256 the
// generated Job or workflow expects, wait for the common start, and write shard.json. A shard's own
// exit code says only whether it ran to the end; the verdict of the run is `embedgate merge`'s.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError } from '../commands/options.ts';
import type { Loaded } from '../commands/load-files.ts';
import { EXIT } from '../exit-codes.ts';
import type { RunReport } from '../result.ts';
import { writeShardMeta } from './meta.ts';
import type { ShardSpec } from './spec.ts';
import { shardPlans, splitsCorpus } from './split.ts';
import { applyTargetUrls } from './target-url.ts';
import { waitForStart } from './start.ts';

/** Set by `embedgate k8s-job` and the workflow example: the sha256 of the suite file they were made for. */
export const EXPECTED_SHA256_ENV = 'EMBEDGATE_SUITE_SHA256';

export function suiteFilesOf(loaded: Loaded): { file: string; sha256: string }[] {
  const files = new Map<string, string>();
  if (loaded.gate) files.set(loaded.gate.file, loaded.gate.fileSha256);
  for (const s of loaded.suites) files.set(s.file, s.fileSha256);
  return [...files].map(([file, sha256]) => ({ file, sha256 }));
}

/** Splits the loaded plans for this shard (in place) and returns the lines to print. Throws UsageError. */
export function prepareShard(spec: ShardSpec, loaded: Loaded, env: NodeJS.ProcessEnv, targetUrls: ReadonlyMap<string, string> = new Map()): { lines: string[]; wholeOnShard0: string[] } {
  const expected = env[EXPECTED_SHA256_ENV];
  if (expected) {
    const files = suiteFilesOf(loaded);
    const first = files[0]!;
    if (first.sha256 !== expected) {
      throw new UsageError(`${EXPECTED_SHA256_ENV}=${expected} but ${first.file} has sha256 ${first.sha256}: this image or checkout holds another version of the suite than the one the Job or workflow was generated for; regenerate it, or run the same commit`);
    }
  }
  const split = shardPlans(applyTargetUrls(loaded.suites, targetUrls), spec);
  loaded.suites = split.suites;
  if (loaded.gate) loaded.gate = { ...loaded.gate, suites: split.suites };
  return { lines: split.lines, wholeOnShard0: split.wholeOnShard0 };
}

/** Waits for the common start, then writes shard.json into the run directory. */
export async function startShard(spec: ShardSpec, loaded: Loaded, wholeOnShard0: string[], runId: string, outDir: string, signal: AbortSignal): Promise<void> {
  const start = await waitForStart(spec, signal, (line) => process.stderr.write(`${line}\n`));
  mkdirSync(outDir, { recursive: true });
  // Retrieval shards write their vectors beside shard.json.
  const partial = loaded.suites.filter((s) => s.shard && splitsCorpus(s));
  for (const s of partial) s.shard!.dir = outDir;
  writeShardMeta(outDir, {
    schema: 'embedgate-shard/1',
    index: spec.index,
    count: spec.count,
    host: hostname(),
    pid: process.pid,
    runId,
    suiteFiles: suiteFilesOf(loaded),
    wholeOnShard0,
    partial: partial.map((s) => s.name),
    plannedStart: new Date(start.plannedMs).toISOString(),
    startedAt: new Date(start.startedMs).toISOString(),
    skewMs: start.skewMs,
    how: start.how,
  });
}

/** 0 when the shard ran every suite to the end (whatever its share's checks said), 3 otherwise. */
export function shardExitCode(report: RunReport, spec: ShardSpec): number {
  const broken = report.status !== 'completed' || report.harnessErrors.length > 0 || report.suites.some((s) => s.outcome === 'error');
  process.stderr.write(
    `--shard ${spec.index}/${spec.count}: ${broken ? 'the shard did not finish cleanly' : 'shard done'} (its own share judged ${report.verdict}); ` +
      `the run's verdict is embedgate merge's over all ${spec.count} shard directories\n`,
  );
  return broken ? EXIT.inconclusive : EXIT.pass;
}
