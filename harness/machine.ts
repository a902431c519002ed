// What this machine really offers: memory from the cgroup limit when one is set (containers,
// CI runners), else MemTotal; cores from the cgroup CPU quota when set, else availableParallelism.
import { readFileSync } from 'node:fs';
import os, { availableParallelism } from 'node:os';
import type { Metrics } from './result.ts';

function readFirstLine(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

export function machineMemoryBytes(): number {
  const total = os.totalmem();
  // cgroup v2 (unified), then v1 (whose "no limit" is a huge number, hence the min with MemTotal).
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    const limit = readFirstLine(file);
    if (!limit || limit === 'max') continue;
    const bytes = Number(limit);
    if (Number.isFinite(bytes) && bytes > 0) return Math.min(bytes, total);
  }
  return total;
}

export interface CoreCount {
  /** Cores usable by this process: min(availableParallelism, cgroup quota). At least 1. */
  cores: number;
  availableParallelism: number;
  /** cgroup v2 cpu.max quota in cores (quota / period), when one is set. */
  cgroupQuota?: number;
}

/** Reads cgroup v2 cpu.max ("max 100000" or "150000 100000") for this process; undefined when unlimited or absent. */
export function readCgroupCpuQuota(readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): number | undefined {
  const candidates: string[] = [];
  try {
    // "0::/some/path" is the cgroup v2 line; a nested cgroup carries its own cpu.max.
    const line = readFile('/proc/self/cgroup').split('\n').find((l) => l.startsWith('0::'));
    const rel = line?.slice(3).trim();
    if (rel && rel !== '/') candidates.push(`/sys/fs/cgroup${rel}/cpu.max`);
  } catch {
    // not Linux, or no procfs: fall through to the root file
  }
  candidates.push('/sys/fs/cgroup/cpu.max');
  for (const file of candidates) {
    let text: string;
    try {
      text = readFile(file);
    } catch {
      continue;
    }
    const [quota, period] = text.trim().split(/\s+/);
    if (quota === 'max' || quota === undefined) return undefined;
    const q = Number(quota);
    const p = Number(period ?? 100000);
    if (Number.isFinite(q) && Number.isFinite(p) && q > 0 && p > 0) return q / p;
    return undefined;
  }
  return undefined;
}

export function detectCores(
  probe: { availableParallelism?: () => number; cgroupQuota?: () => number | undefined } = {},
): CoreCount {
  const ap = (probe.availableParallelism ?? availableParallelism)();
  const quota = (probe.cgroupQuota ?? readCgroupCpuQuota)();
  // A quota of 1.5 cores cannot run two threads flat out: round down, but never below one.
  const fromQuota = quota === undefined ? Infinity : Math.max(1, Math.floor(quota));
  const cores = Math.max(1, Math.min(ap, fromQuota));
  return quota === undefined ? { cores, availableParallelism: ap } : { cores, availableParallelism: ap, cgroupQuota: quota };
}

export function availableCores(): number {
  return detectCores().cores;
}

/** The `machine.` scope of check expressions. */
export function machineMetrics(): Metrics {
  return {
    memory: { value: machineMemoryBytes(), unit: 'bytes' },
    cores: { value: availableCores(), unit: 'count' },
  };
}
