// `--shard i/n`, `--start-at` and `--barrier` as one value, and the share of a total one shard gets.
// Shards are numbered from 0, as Kubernetes' JOB_COMPLETION_INDEX is, so `--shard $JOB_COMPLETION_INDEX/4` works.
import { UsageError } from '../commands/options.ts';

export interface ShardSpec {
  index: number;
  count: number;
  /** A common start instant (ms since the epoch), from --start-at. */
  startAtMs?: number;
  /** A file path or a loopback URL polled until it exists; it may hold the start instant (see start.ts). */
  barrier?: string;
}

export function parseShardOptions(values: { shard?: string; 'start-at'?: string; barrier?: string }): ShardSpec | undefined {
  const { shard, barrier } = values;
  const startAt = values['start-at'];
  if (shard === undefined) {
    if (startAt !== undefined || barrier !== undefined) throw new UsageError(`${startAt !== undefined ? '--start-at' : '--barrier'} applies to sharded runs only: add --shard i/n`);
    return undefined;
  }
  const m = /^(\d+)\/(\d+)$/.exec(shard);
  if (!m) throw new UsageError(`--shard expects i/n with 0 <= i < n (shards are numbered from 0, e.g. --shard 0/4), got "${shard}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new UsageError(`--shard ${shard}: the index must be below the count (shards of ${count} are numbered 0 to ${Math.max(0, count - 1)})`);
  if (startAt !== undefined && barrier !== undefined) throw new UsageError('--start-at and --barrier both set: give one way to start the shards together');
  const spec: ShardSpec = { index, count };
  if (startAt !== undefined) {
    const ms = Date.parse(startAt);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(startAt) || Number.isNaN(ms)) {
      throw new UsageError(`--start-at expects an ISO 8601 time with a zone, e.g. 2026-01-01T12:00:00Z, got "${startAt}"`);
    }
    spec.startAtMs = ms;
  }
  if (barrier !== undefined) {
    if (/^[a-z]+:\/\//i.test(barrier)) {
      const url = new URL(barrier);
      if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
        throw new UsageError(`--barrier ${barrier}: a barrier URL must be http on loopback (127.0.0.1, localhost, [::1]); across machines use --start-at, or a file on a shared volume`);
      }
    }
    spec.barrier = barrier;
  }
  if (count > 1 && spec.startAtMs === undefined && spec.barrier === undefined) {
    throw new UsageError(`--shard ${shard}: shards must start together; add --start-at <ISO time> (the same for every shard) or --barrier <file|loopback URL>`);
  }
  return spec;
}

/** Shard `index`'s part of `total` whole things: floor or ceil, so that the parts sum to `total` exactly. */
export function shareOf(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}
