// Whether the target is still the one it was before an input: its processes still run, /health
// still answers 200 (when it did before), and embedgate serve's worker neither restarted nor
// crashed. Without /health, a plain embedding must still succeed. A crash or a restart counts.
import { processTree, readProcessMemory } from '../../probes/process-memory.ts';
import { isAlive } from './pids.ts';
import { jsonRequest } from './case.ts';
import { send } from './send.ts';

interface HealthState {
  ok: boolean;
  status: number | string;
  workerPid?: number;
  restarts?: number;
  crashes?: number;
}

export class Liveness {
  private before: HealthState | undefined;
  private usesHealth = false;

  constructor(
    private readonly baseUrl: string,
    private readonly pids: readonly number[],
    private readonly modelId: string,
    private readonly timeoutMs: number,
    private readonly apiKey?: string,
  ) {}

  private async health(): Promise<HealthState> {
    const sent = await send(this.baseUrl, { method: 'GET', path: '/health', headers: {} }, Math.min(this.timeoutMs, 5000), this.apiKey);
    if (sent.kind !== 'answer') return { ok: false, status: sent.kind === 'timeout' ? 'no answer' : sent.error };
    let worker: { pid?: unknown; restarts?: unknown; crashes?: unknown } = {};
    try {
      worker = ((JSON.parse(sent.body) as { worker?: typeof worker }).worker ?? {}) as typeof worker;
    } catch {
      // a /health without JSON: its status is all it says
    }
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const s: HealthState = { ok: sent.status === 200, status: sent.status };
    const pid = num(worker.pid);
    const restarts = num(worker.restarts);
    const crashes = num(worker.crashes);
    if (pid !== undefined) s.workerPid = pid;
    if (restarts !== undefined) s.restarts = restarts;
    if (crashes !== undefined) s.crashes = crashes;
    return s;
  }

  /** Reads the state every later check compares with; call before the first input (and after a recovery). */
  async baseline(): Promise<void> {
    const h = await this.health();
    this.usesHealth = h.ok;
    this.before = h;
  }

  /** undefined when the target is as it was; otherwise what changed. */
  async check(): Promise<string | undefined> {
    const gone = this.pids.filter((p) => !isAlive(p));
    if (gone.length > 0) return `the target's process ${gone.join(', ')} is gone`;
    if (!this.usesHealth) {
      const probe = await send(this.baseUrl, jsonRequest({ model: this.modelId, input: 'liveness probe' }), this.timeoutMs, this.apiKey);
      if (probe.kind !== 'answer') return `a plain embedding request got ${probe.kind === 'timeout' ? 'no answer' : probe.error}`;
      return probe.status === 200 ? undefined : `a plain embedding request got ${probe.status}`;
    }
    const now = await this.health();
    const was = this.before!;
    if (!now.ok) return `/health answered ${now.status}`;
    if (was.workerPid !== undefined && now.workerPid !== undefined && now.workerPid !== was.workerPid) return `the worker changed (pid ${was.workerPid} → ${now.workerPid})`;
    if ((now.restarts ?? 0) > (was.restarts ?? 0)) return `the worker restarted (${now.restarts! - (was.restarts ?? 0)} restart(s) per /health)`;
    if ((now.crashes ?? 0) > (was.crashes ?? 0)) return `the worker crashed (${now.crashes! - (was.crashes ?? 0)} crash(es) per /health)`;
    return undefined;
  }

  /** Waits up to `ms` for the target to be healthy again after a crash (embedgate serve restarts its worker). */
  async recover(ms: number, signal: AbortSignal): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until && !signal.aborted) {
      if (this.pids.some((p) => !isAlive(p))) return false;
      const h = this.usesHealth ? await this.health() : undefined;
      if (!this.usesHealth || h?.ok) {
        this.before = h;
        return true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }
}

/** Resident memory of the target's processes and their children, or undefined when none is on this machine. */
export function targetRss(pids: readonly number[]): number | undefined {
  let total = 0;
  let seen = false;
  for (const root of pids) {
    for (const pid of processTree(root)) {
      const m = readProcessMemory(pid);
      if (m) {
        total += m.rss;
        seen = true;
      }
    }
  }
  return seen ? total : undefined;
}
