// The two sides of a canary as the router reaches them: the baseline (the suite's compare: target,
// its own `embedgate serve` for a gguf target, or an http URL) and the candidate (the target, or a
// command the harness starts in its place), with the fault proxy always in front of the candidate
// so a fault can break its traffic and its /health on purpose. Also what the memory trigger needs:
// the candidate's process and the limit to judge it against.
import { dirname, resolve } from 'node:path';
import { startFaultProxy, type FaultProxy } from '../../faults/proxy/index.ts';
import { machineMemoryBytes } from '../../machine.ts';
import { ReferenceProcess } from '../../targets/reference/command.ts';
import { need, type HttpEndpoint, type Target } from '../../targets/target.ts';
import type { CanaryParams } from './params.ts';

export interface ServedSide {
  url: string;
  modelId: string;
  /** Root pid of its processes on this machine, when known. */
  pid?: number;
  /** Why its memory cannot be read, when it cannot. */
  memoryUnavailable?: string;
  describe: string;
}

export interface Served {
  baseline: ServedSide;
  candidate: ServedSide;
  /** In front of the candidate: the router and the /health watch go through it. */
  proxy: FaultProxy;
  memoryLimit: { bytes: number; source: string };
  close(): Promise<void>;
}

async function firstModelId(url: string): Promise<string> {
  try {
    const body = (await (await fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(5000) })).json()) as { data?: { id?: string }[] };
    return body.data?.[0]?.id ?? 'default';
  } catch {
    return 'default';
  }
}

async function serverMemoryLimit(url: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    const v = Number(/^embedgate_memory_limit_bytes ([0-9.e+]+)$/m.exec(text)?.[1]);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

const sideOf = (e: HttpEndpoint, describe: string): ServedSide => ({
  url: e.url,
  modelId: e.modelId,
  describe,
  ...(e.processes.pids[0] !== undefined ? { pid: e.processes.pids[0] } : {}),
  ...(e.processes.unavailable ? { memoryUnavailable: e.processes.unavailable } : {}),
});

export async function openServed(target: Target, compare: Target, p: CanaryParams, suiteFile: string, opts: { seed: number; onLog: (line: string) => void }): Promise<Served> {
  const who = 'a canary suite';
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    await Promise.allSettled(closers.reverse().map((c) => c()));
  };
  try {
    const server = { ...p.server, onLog: opts.onLog };
    const startCandidate = async (): Promise<ServedSide> => {
      if (p.candidateCommand) {
        const dir = dirname(suiteFile);
        const command = p.candidateCommand.command.map((a) => (a.startsWith('./') || a.startsWith('../') ? resolve(dir, a) : a));
        const proc = await ReferenceProcess.start({ command, ready: p.candidateCommand.ready, readyTimeoutMs: p.candidateCommand.readyTimeout, onLog: opts.onLog });
        closers.push(() => proc.stop());
        return { url: proc.url, modelId: await firstModelId(proc.url), pid: proc.pid, describe: `command ${command.join(' ')} (standing in for ${target.describe().ref})` };
      }
      const e = await need(target, who, 'serveHttp').serveHttp(server);
      closers.push(() => e.close());
      return sideOf(e, target.describe().ref);
    };
    const startBaseline = async (): Promise<ServedSide> => {
      const e = await need(compare, who, 'serveHttp').serveHttp(server);
      closers.push(() => e.close());
      return sideOf(e, compare.describe().ref);
    };
    // Both start at once; whichever started is closed if the other fails.
    const [c, b] = await Promise.allSettled([startCandidate(), startBaseline()]);
    if (c.status === 'rejected') throw c.reason;
    if (b.status === 'rejected') throw b.reason;
    const candidate = c.value;
    const baseline = b.value;
    const proxy = await startFaultProxy({ upstream: candidate.url, seed: opts.seed });
    closers.push(() => proxy.close());
    const limitMb = p.triggers.memory.limitMb;
    const fromServer = limitMb === undefined ? await serverMemoryLimit(candidate.url) : undefined;
    const memoryLimit =
      limitMb !== undefined
        ? { bytes: limitMb * 1024 * 1024, source: `the suite's triggers.memory.limitMb (${limitMb} MiB)` }
        : fromServer !== undefined
          ? { bytes: fromServer, source: 'the candidate’s embedgate_memory_limit_bytes' }
          : { bytes: machineMemoryBytes(), source: 'the machine’s memory (cgroup limit, else MemTotal)' };
    return { baseline, candidate, proxy, memoryLimit, close };
  } catch (err) {
    await close();
    throw err;
  }
}
