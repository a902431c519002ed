// The common start of a sharded run. With --start-at every shard sleeps until that instant. With
// --barrier every shard polls a file (on a shared volume) or a loopback URL until it exists; its
// content, when not empty, is the ISO start instant, else the file's mtime (a URL: the moment it
// answered 200) is. The skew each shard records is how late it really started after the planned
// instant; the merge reports it per shard and warns beyond a bound.
import { readFileSync, statSync } from 'node:fs';
import type { ShardSpec } from './spec.ts';

const POLL_MS = 20;
/** A barrier nobody opens must not hold a shard forever. */
export const BARRIER_LIMIT_MS = 30 * 60_000;

export interface ShardStart {
  /** The instant all shards were meant to start, ms since the epoch. */
  plannedMs: number;
  /** When this shard started, ms since the epoch. */
  startedMs: number;
  /** startedMs - plannedMs: positive when this shard started late. */
  skewMs: number;
  how: 'start-at' | 'barrier' | 'alone';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => (clearTimeout(t), signal.removeEventListener('abort', done), resolve());
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function parseInstant(text: string, source: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) throw new Error(`barrier ${source} holds "${trimmed.slice(0, 80)}", not an ISO start time (leave it empty to start at once)`);
  return ms;
}

/** The planned instant once the barrier is open, or undefined while it is closed. */
async function pollBarrier(barrier: string): Promise<number | undefined> {
  if (/^https?:\/\//i.test(barrier)) {
    try {
      const res = await fetch(barrier, { signal: AbortSignal.timeout(2000) });
      if (res.status !== 200) return undefined;
      return parseInstant(await res.text(), barrier) ?? Date.now();
    } catch {
      return undefined; // not up yet
    }
  }
  let stat;
  try {
    stat = statSync(barrier);
  } catch {
    return undefined;
  }
  return parseInstant(readFileSync(barrier, 'utf8'), barrier) ?? stat.mtimeMs;
}

export async function waitForStart(spec: ShardSpec, signal: AbortSignal, log: (line: string) => void): Promise<ShardStart> {
  let plannedMs: number | undefined = spec.startAtMs;
  if (spec.barrier !== undefined) {
    log(`--shard ${spec.index}/${spec.count}: waiting for barrier ${spec.barrier}`);
    const limit = Date.now() + BARRIER_LIMIT_MS;
    while (plannedMs === undefined && !signal.aborted) {
      plannedMs = await pollBarrier(spec.barrier);
      if (plannedMs !== undefined) break;
      if (Date.now() > limit) throw new Error(`--barrier ${spec.barrier}: still closed after ${BARRIER_LIMIT_MS / 60_000} min; create it (empty, or holding the ISO start time) to start the shards`);
      await sleep(POLL_MS, signal);
    }
  }
  if (plannedMs === undefined) {
    const now = Date.now();
    return { plannedMs: now, startedMs: now, skewMs: 0, how: 'alone' };
  }
  const wait = plannedMs - Date.now();
  if (wait > 0) log(`--shard ${spec.index}/${spec.count}: starting at ${new Date(plannedMs).toISOString()} (in ${(wait / 1000).toFixed(1)} s)`);
  await sleep(wait, signal);
  const startedMs = Date.now();
  return { plannedMs, startedMs, skewMs: startedMs - plannedMs, how: spec.barrier !== undefined ? 'barrier' : 'start-at' };
}
