// The method of a fault experiment: each fault at its start (never before the previous one has
// recovered or run out of time), held for its duration, ended, then watched until the steady
// state holds again. The windows themselves (timeline.ts) say when it held; this waits for them.
import { injectFault, sleep, type FaultEnvironment } from './inject.ts';
import type { FaultType } from './params.ts';
import type { FaultRecord } from './timeline.ts';
import type { TargetWatch } from '../server-side/target-watch.ts';

export interface ScheduleContext {
  records: FaultRecord[];
  env: FaultEnvironment;
  watch: TargetWatch;
  /** ms since the suite started. */
  clock: () => number;
  /** When the load started, on the same clock: faults' `start` counts from here. */
  loadStartMs: number;
  windowMs: number;
  /** Grace after a window for its answers: a window's verdict comes this late at most. */
  lateMs: number;
  signal: AbortSignal;
  /** Why the steady state did not hold before the first fault, if it did not (then no fault runs). */
  beforeDeviated: () => string | undefined;
  /** End of the last window whose verdict has arrived (a verdict comes up to lateMs after its window). */
  windowsReportedUntil?: () => number;
  log: (message: string, level?: 'info' | 'warn') => void;
}

/** The signs on /health and /metrics (watch.ts) that each fault can cause. */
const SIGNS: Record<FaultType, RegExp> = {
  'kill-worker': /\/health|worker_crashes|worker_restarts|circuit/,
  'kill-server': /\/health/,
  pause: /\/health/,
  cpu: /\/health/,
  memory: /\/health|worker_crashes/,
  'corrupt-cache': /cache_corrupt/,
  'corrupt-model': /\/health|circuit|worker_crashes|worker_restarts/,
  network: /\/health/,
};

/** Runs every fault; resolves when the last has settled (recovered, or out of time), or on abort. */
export async function runSchedule(c: ScheduleContext): Promise<void> {
  for (const [i, f] of c.records.entries()) {
    await sleep(c.loadStartMs + f.spec.start - c.clock(), c.signal);
    if (c.signal.aborted) return;
    if (i === 0) {
      // Chaos Toolkit: a steady state that does not hold before the method means no method. Every
      // window that closed a window's length ago must have its verdict first (they arrive late).
      const asOf = c.clock() - c.windowMs;
      const deadline = c.clock() + c.windowMs + c.lateMs;
      while (c.windowsReportedUntil && c.windowsReportedUntil() < asOf && c.clock() < deadline && !c.signal.aborted) await sleep(20, c.signal);
      if (c.signal.aborted) return;
      const why = c.beforeDeviated();
      if (why) {
        for (const r of c.records) {
          r.notInjected = `the steady state did not hold before the first fault (${why}), so no fault was injected`;
          r.status = 'failed';
          r.settle();
        }
        c.log(c.records[0]!.notInjected!, 'warn');
        return;
      }
    }
    f.startMs = c.clock();
    let injection;
    try {
      injection = await injectFault(f.spec, c.env);
    } catch (err) {
      injection = { injected: false as const, reason: (err as Error).message };
    }
    if (!injection.injected) {
      f.notInjected = injection.reason;
      f.endMs = c.clock();
      f.status = 'failed';
      f.settle();
      c.log(`fault ${f.spec.name} (${f.spec.type}) could not be injected: ${injection.reason}`, 'warn');
      continue;
    }
    f.injected = true;
    f.did = injection.did;
    c.log(`fault ${f.spec.name} (${f.spec.type}) at ${(f.startMs / 1000).toFixed(1)} s: ${injection.did}`);
    await sleep(f.spec.duration, c.signal);
    const ended = await injection.end().catch((err: Error) => `ending it failed: ${err.message}`);
    f.endMs = c.clock();
    if (ended) f.did += `; ${ended}`;
    if (injection.recover) {
      try {
        f.did += `; ${await injection.recover()}`;
      } catch (err) {
        f.did += `; starting it again failed: ${(err as Error).message}`;
        c.log(`fault ${f.spec.name}: ${(err as Error).message}`, 'warn');
      }
    }
    // A window's verdict arrives after its grace period: give the recovery limit that, and two windows.
    const limit = f.recoveryLimitMs + 2 * c.windowMs + c.lateMs;
    await Promise.race([f.settled, sleep(f.endMs + limit - c.clock(), c.signal)]);
    if (f.recoveredAtMs === undefined && !f.unrecovered && !c.signal.aborted) {
      f.unrecovered = true;
      f.settle();
    }
    // A fault that never broke the steady state (a corrupted cache entry the server drops) is back
    // at once, before the load has asked for what was damaged: its sign may come after that, so
    // the watch is given until the recovery limit, not until the steady state held again.
    const detectBy = f.endMs + f.recoveryLimitMs;
    const startMs = f.startMs;
    const signInTime = () => {
      const s = c.watch.firstSignAfter(startMs, SIGNS[f.spec.type]);
      return s && s.atMs <= detectBy ? s : undefined;
    };
    while (f.injected && !f.detection && !signInTime() && c.clock() < detectBy && !c.signal.aborted) await sleep(50, c.signal);
    const sign = signInTime();
    if (sign && (!f.detection || sign.atMs < f.detection.atMs)) f.detection = sign;
    if (c.signal.aborted) return;
    c.log(
      `fault ${f.spec.name}: ${f.detection ? `detected after ${((f.detection.atMs - f.startMs) / 1000).toFixed(2)} s (${f.detection.what})` : 'not detected'}, ` +
        (f.recoveredAtMs !== undefined ? `steady state again ${((f.recoveredAtMs - f.endMs) / 1000).toFixed(2)} s after its end` : `steady state not back within ${(f.recoveryLimitMs / 1000).toFixed(0)} s`),
      f.recoveredAtMs !== undefined ? 'info' : 'warn',
    );
  }
}
