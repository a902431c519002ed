// shard.json: what a shard's run directory says about the shard, beside its events.jsonl. The
// merge reads it to know n (the count), which index it holds, where and when the shard started,
// and which suite files (by sha256) it ran; it is written once the shard has started.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../write-atomic.ts';
import type { ShardStart } from './start.ts';

export const SHARD_FILE = 'shard.json';
export const SHARD_SCHEMA = 'embedgate-shard/1';

export interface ShardMeta {
  schema: typeof SHARD_SCHEMA;
  index: number;
  count: number;
  host: string;
  pid: number;
  runId: string;
  /** The files given to run or gate, with their sha256: every shard of one run must have the same. */
  suiteFiles: { file: string; sha256: string }[];
  /** Suites that cannot be split: shard 0 ran them whole, the others skipped them. */
  wholeOnShard0: string[];
  /** Retrieval suites whose result here is partial: this shard embedded its share of the corpus, the merge scores the union. */
  partial?: string[];
  plannedStart: string;
  startedAt: string;
  skewMs: number;
  how: ShardStart['how'];
}

export function writeShardMeta(dir: string, meta: ShardMeta): void {
  writeFileAtomicSync(join(dir, SHARD_FILE), JSON.stringify(meta, null, 2) + '\n');
}

/** The shard.json of a run directory; undefined when it has none; an Error naming the file when it is not one. */
export function readShardMeta(dir: string): ShardMeta | undefined {
  const file = join(dir, SHARD_FILE);
  if (!existsSync(file)) return undefined;
  let meta: Partial<ShardMeta>;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as Partial<ShardMeta>;
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`);
  }
  if (meta.schema !== SHARD_SCHEMA || !Number.isInteger(meta.index) || !Number.isInteger(meta.count) || !Array.isArray(meta.suiteFiles)) {
    throw new Error(`${file}: not a shard file of this embedgate (expected schema ${SHARD_SCHEMA} with index, count and suiteFiles)`);
  }
  return meta as ShardMeta;
}
