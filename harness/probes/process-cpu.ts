// CPU time of a process tree, from /proc/PID/stat (utime + stime, in clock ticks). The load suite
// reads it around each phase to say where the cores went: the target's server, its worker, and
// the load generator share one machine, and on few cores what one uses the others cannot.
import { readFileSync } from 'node:fs';
import { processTree } from './process-memory.ts';

/** Linux's USER_HZ: 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used (user + system); undefined when it is gone or unreadable. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is field 3, utime 14, stime 15 (man 5 proc).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** CPU seconds of each live process in the tree under `root`. */
export function treeCpuSeconds(root: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of processTree(root)) {
    const s = processCpuSeconds(pid);
    if (s !== undefined) out.set(pid, s);
  }
  return out;
}

/** Cores each process of a tree used between two readings, by pid (processes present in both). */
export function coresBetween(before: Map<number, number>, after: Map<number, number>, seconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (!(seconds > 0)) return out;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start !== undefined) out[String(pid)] = (end - start) / seconds;
  }
  return out;
}
