// The shards of one sharded run, read from their run directories: shard.json and events.jsonl of
// each, checked to belong together (the same count, the same suite files by sha256, each index
// once). A shard that is missing, or whose run did not end cleanly, is named, never skipped quietly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HarnessEvent, RunStartEvent } from '../events.ts';
import { EVENT_LOG_FILE, readEventLog } from '../report/event-log.ts';
import { rebuildReport } from '../report/rebuild.ts';
import type { RunReport } from '../result.ts';
import { readShardMeta, SHARD_FILE, type ShardMeta } from './meta.ts';

export class MergeInputError extends Error {}

export interface Shard {
  dir: string;
  meta: ShardMeta;
  events: HarnessEvent[];
  /** Absent only for a shard that failed before its run began (then `failed` says so). */
  start?: RunStartEvent;
  report?: RunReport;
  /** Why this shard's results cannot be trusted whole, when they cannot. */
  failed?: string;
}

export interface Collected {
  count: number;
  shards: Shard[];
  /** Indexes 0..count-1 that no directory holds. */
  missing: number[];
}

/** A directory argument: one shard's run directory, or a folder holding shards' run directories. */
function shardDirs(arg: string): string[] {
  const dir = resolve(arg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MergeInputError(`no such directory: ${dir}`);
  if (existsSync(join(dir, SHARD_FILE)) || existsSync(join(dir, EVENT_LOG_FILE))) return [dir];
  const inner = readdirSync(dir).map((n) => join(dir, n)).filter((d) => statSync(d).isDirectory() && existsSync(join(d, SHARD_FILE)));
  if (inner.length === 0) throw new MergeInputError(`${dir} holds no shard: give the run directories the shards wrote (each has ${SHARD_FILE} and ${EVENT_LOG_FILE}), or a folder holding them`);
  return inner.sort();
}

function readShard(dir: string): Shard {
  const meta = readShardMeta(dir);
  if (!meta) throw new MergeInputError(`${dir} has no ${SHARD_FILE}: it is not the run directory of a shard (run it with --shard i/n)`);
  const logFile = join(dir, EVENT_LOG_FILE);
  if (!existsSync(logFile)) throw new MergeInputError(`${dir}: shard ${meta.index} of ${meta.count} started (${SHARD_FILE}) but wrote no ${EVENT_LOG_FILE}`);
  const { events } = readEventLog(logFile);
  const start = events.find((e): e is RunStartEvent => e.type === 'run-start');
  if (!start) return { dir, meta, events, failed: `shard ${meta.index} of ${meta.count} (${meta.host}) stopped before its run began: ${logFile} has no run-start event (killed?)` };
  const report = rebuildReport(events, logFile);
  const ended = events.some((e) => e.type === 'run-end');
  const broken = report.suites.filter((s) => s.outcome === 'error').map((s) => `suite ${s.name}: ${s.reason ?? 'error'}`);
  const failed = !ended
    ? `shard ${meta.index} of ${meta.count} (${meta.host}) stopped before its run ended: ${EVENT_LOG_FILE} has no run-end (killed?)`
    : report.status !== 'completed'
      ? `shard ${meta.index} of ${meta.count} (${meta.host}) was ${report.status}`
      : broken.length || report.harnessErrors.length
        ? `shard ${meta.index} of ${meta.count} (${meta.host}) failed: ${[...broken, ...report.harnessErrors].join('; ')}`
        : undefined;
  return { dir, meta, events, start, report, ...(failed ? { failed } : {}) };
}

const shaList = (m: ShardMeta) => m.suiteFiles.map((f) => `${f.file.split('/').pop()}=${f.sha256}`).join(', ');

export function collectShards(args: readonly string[]): Collected {
  if (args.length === 0) throw new MergeInputError('merge expects the run directories of a sharded run, e.g. embedgate merge reports/shards/*');
  const shards = args.flatMap(shardDirs).map(readShard);
  const first = shards[0]!;
  const count = first.meta.count;
  const byIndex = new Map<number, Shard>();
  for (const s of shards) {
    if (s.meta.count !== count) throw new MergeInputError(`${s.dir} is shard ${s.meta.index} of ${s.meta.count}, but ${first.dir} is of ${count}: these are not shards of one run`);
    // Compared by content, not path: the shards may have run from different checkouts.
    const mine = s.meta.suiteFiles.map((f) => f.sha256).join(',');
    const theirs = first.meta.suiteFiles.map((f) => f.sha256).join(',');
    if (mine !== theirs) {
      throw new MergeInputError(`shard ${s.meta.index} (${s.dir}) ran other suite files than shard ${first.meta.index} (${first.dir}): ${shaList(s.meta)} against ${shaList(first.meta)}; every shard must run the same suite (the same sha256)`);
    }
    const twin = byIndex.get(s.meta.index);
    if (twin) throw new MergeInputError(`shard ${s.meta.index} of ${count} appears twice: ${twin.dir} and ${s.dir}; give each shard's directory once`);
    byIndex.set(s.meta.index, s);
  }
  if (!shards.some((s) => s.report)) throw new MergeInputError(`none of the ${shards.length} shard(s) got as far as starting its run: ${shards.map((s) => s.failed).join('; ')}`);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  return { count, shards: [...byIndex.values()].sort((a, b) => a.meta.index - b.meta.index), missing };
}
