// What this machine really offers: memory from the cgroup limit when one is set (containers,
// CI runners), else MemTotal; cores from the cgroup CPU quota when set, else the affinity mask.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Metrics } from './result.ts';

function readFirstLine(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

export function machineMemoryBytes(): number {
  const limit = readFirstLine('/sys/fs/cgroup/memory.max');
  const total = os.totalmem();
  if (limit && limit !== 'max') {
    const bytes = Number(limit);
    if (Number.isFinite(bytes) && bytes > 0) return Math.min(bytes, total);
  }
  return total;
}

export function availableCores(): number {
  const parallelism = os.availableParallelism();
  const quota = readFirstLine('/sys/fs/cgroup/cpu.max');
  if (quota) {
    const [max, period] = quota.split(/\s+/);
    if (max && max !== 'max' && period) {
      const cores = Math.floor(Number(max) / Number(period));
      if (Number.isFinite(cores) && cores >= 1) return Math.min(cores, parallelism);
    }
  }
  return parallelism;
}

/** The `machine.` scope of check expressions. */
export function machineMetrics(): Metrics {
  return {
    memory: { value: machineMemoryBytes(), unit: 'bytes' },
    cores: { value: availableCores(), unit: 'count' },
  };
}
