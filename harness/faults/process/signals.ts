// Signals a fault suite sends to a target's processes: SIGKILL a worker or a server, SIGSTOP and
// SIGCONT for a pause. A process the harness runs in (this one, or one of its ancestors: a test
// server inside the test process, a shell that started the run) is never signalled; that and any
// error from kill(2) come back as a reason, so the fault counts as not injected.
import { readFileSync } from 'node:fs';
import { cleanupOnExit } from './cleanup.ts';

export type SignalOutcome = { ok: true } | { ok: false; reason: string };

/** The parent of `pid` from /proc, or undefined off Linux or once it is gone. */
export function parentOf(pid: number): number | undefined {
  try {
    // comm may hold spaces and parentheses: the fields after the last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** This process and its ancestors: signalling any of them would stop the harness itself. */
function harnessLineage(): Set<number> {
  const lineage = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1 && !lineage.has(pid); pid = parentOf(pid)) lineage.add(pid);
  return lineage;
}

/** Direct children of `pid` (Linux), e.g. embedgate serve's worker when /health does not name it. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function sendSignal(pid: number | undefined, signal: NodeJS.Signals, who: string): SignalOutcome {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1) return { ok: false, reason: `no process id for ${who}` };
  if (harnessLineage().has(pid)) return { ok: false, reason: `${who} is process ${pid}, which runs the harness itself (an in-process test server?); it is not signalled` };
  try {
    process.kill(pid, signal);
    return { ok: true };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EPERM' ? 'permission denied' : code === 'ESRCH' ? 'no such process' : (err as Error).message;
    return { ok: false, reason: `${signal} to ${who} (pid ${pid}): ${why}` };
  }
}

/**
 * SIGSTOP now; the returned function sends SIGCONT (once). Should the harness exit first, the
 * process is continued on the way out, so a pause can never outlive the run.
 */
export function pauseProcess(pid: number | undefined, who: string): { outcome: SignalOutcome; resume: () => void } {
  const outcome = sendSignal(pid, 'SIGSTOP', who);
  if (!outcome.ok) return { outcome, resume: () => {} };
  let resumed = false;
  const resume = () => {
    if (resumed) return;
    resumed = true;
    release();
    sendSignal(pid, 'SIGCONT', who);
  };
  const release = cleanupOnExit(resume);
  return { outcome, resume };
}
