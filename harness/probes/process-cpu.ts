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

/**
 * CPU seconds this process and its descendants used: its own time, the time of children it has
 * reaped (cutime, cstime: a benchmark's closed workers), and that of descendants still running.
 */
export function ownTreeCpuSeconds(): number {
  let total = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime 14, stime 15, cutime 16, cstime 17 (man 5 proc); f[0] is field 3.
    total = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
  for (const [pid, seconds] of treeCpuSeconds(process.pid)) if (pid !== process.pid) total += seconds;
  return total;
}

/** CPU seconds the whole machine has been busy, over all CPUs (/proc/stat: all but idle and iowait). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export interface Contention {
  seconds: number;
  /** Cores this process and its descendants kept busy on average. */
  ownCores: number;
  /** Cores everything else on the machine kept busy on average: what a benchmark competed with. */
  otherCores: number;
}

/**
 * Starts watching; the returned function says how busy the machine was with other work since. A
 * load average cannot say this: read after a benchmark it mostly counts the benchmark itself.
 */
export function watchContention(): () => Contention {
  const started = performance.now();
  const own0 = ownTreeCpuSeconds();
  const machine0 = machineBusySeconds();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const own = ownTreeCpuSeconds() - own0;
    const other = Math.max(0, machineBusySeconds() - machine0 - own);
    return { seconds, ownCores: own / seconds, otherCores: other / seconds };
  };
}

/** More than this many cores of other work makes a benchmark's figures suspect. */
export const CONTENTION_WARNING_CORES = 0.25;

/** One line for a benchmark's output: how much other work ran beside it, and a warning if too much. */
export function contentionLine(c: Contention, cores: number): string {
  const line = `other processes kept ${c.otherCores.toFixed(2)} of ${cores} core(s) busy on average while this ran (it used ${c.ownCores.toFixed(2)})`;
  return c.otherCores > CONTENTION_WARNING_CORES ? `${line}: WARNING the machine was busy, these figures include contention` : line;
}
