// Slows a real `embedgate serve` on purpose, whatever else loads the machine: the server and its
// llama.cpp worker (found among the descendants of `rootPid`, e.g. an `embedgate run` child) are
// stopped and continued in a duty cycle, as a CPU quota would (cgroup cpu.max), so they run at
// most runMs / (runMs + stopMs) of the wall time. Both, not the worker alone: on a busy
// machine the server's JavaScript is as much the bottleneck as the model (throttling only the
// worker to 20 % slowed the server 2x, not 5x). A server is throttled only once its /health says
// it is ready: a model load at an eighth of the speed on a busy machine outlasts serve's start-up
// limit, and the run would end in a harness error instead of a slow measurement. Used to show
// `embedgate compare` a slower target.
import { readFileSync } from 'node:fs';
import { childrenOf, sendSignal } from '../../faults/process/signals.ts';
import { cleanupOnExit } from '../../faults/process/cleanup.ts';
import { listeningPorts } from '../../probes/process-memory.ts';

function descendants(pid: number): number[] {
  const out: number[] = [];
  for (const child of childrenOf(pid)) out.push(child, ...descendants(child));
  return out;
}

function isServe(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('serve');
  } catch {
    return false;
  }
}

async function healthy(pid: number): Promise<boolean> {
  for (const port of listeningPorts(pid)) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return true;
    } catch {
      // not this port, or not answering yet
    }
  }
  return false;
}

/** Each ready `embedgate serve` under rootPid and everything under it (its worker); `ready` remembers the servers seen ready. */
async function serveTrees(rootPid: number, ready: Set<number>): Promise<number[]> {
  const out: number[] = [];
  for (const pid of descendants(rootPid).filter(isServe)) {
    if (!ready.has(pid) && (await healthy(pid))) ready.add(pid);
    if (ready.has(pid)) out.push(pid, ...descendants(pid));
  }
  return out;
}

export interface Throttle {
  /** Ends the cycle and continues every process it stopped. Resolves with how many it throttled. */
  stop(): Promise<number>;
}

export function throttleServe(rootPid: number, opts: { runMs: number; stopMs: number }): Throttle {
  const seen = new Set<number>();
  const ready = new Set<number>();
  let stopped: number[] = [];
  let running = true;
  const resume = () => {
    for (const pid of stopped) sendSignal(pid, 'SIGCONT', `embedgate serve process ${pid}`);
    stopped = [];
  };
  const release = cleanupOnExit(resume);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const loop = (async () => {
    while (running) {
      const from = performance.now();
      await sleep(opts.runMs);
      if (!running) break;
      // A late timer (a busy machine, a busy test process) lengthens the run; the stop is scaled
      // to the run as it really was, so the share holds however late the timers are.
      const ran = performance.now() - from;
      for (const pid of await serveTrees(rootPid, ready)) {
        seen.add(pid);
        if (sendSignal(pid, 'SIGSTOP', `embedgate serve process ${pid}`).ok) stopped.push(pid);
      }
      await sleep((ran * opts.stopMs) / opts.runMs);
      resume();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      resume();
      release();
      return seen.size;
    },
  };
}
