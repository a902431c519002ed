// Where each window of the load falls relative to the faults, and what that says about each fault:
// a window that overlaps a fault is "during" it; after the fault's end, windows that deviate from
// the steady state are its recovery, until one holds (the fault recovered, at that window's end)
// or the recovery limit passes (it did not). Windows during a fault and its recovery are exempt
// from the suite's window checks; every other window is judged by them.
import type { FaultSpec } from './params.ts';
import type { Holding } from './hypothesis.ts';
import { addToTally, emptyTally, type Tally } from '../../http-client/tally.ts';
import type { PhaseResult } from '../../http-client/phase.ts';

export type ActivityStatus = 'completed' | 'deviated' | 'failed' | 'aborted' | 'interrupted';

export interface FaultRecord {
  spec: FaultSpec;
  recoveryLimitMs: number;
  /** ms since the suite started. */
  startMs?: number;
  endMs?: number;
  injected: boolean;
  /** Why it could not be injected. */
  notInjected?: string;
  /** What was done, in words (pids, bytes, toxics). */
  did?: string;
  detection?: { atMs: number; what: string };
  recoveredAtMs?: number;
  unrecovered?: boolean;
  /** First /health 200 after the fault ended (a lower bound of recovery, for the journal). */
  healthyAtMs?: number;
  windowsDuring: number;
  deviatedDuring: number;
  tally: Tally;
  status?: ActivityStatus;
  alert?: { name: string; firedAtMs?: number; resolvedAtMs?: number; problem?: string };
  settled: Promise<void>;
  settle: () => void;
}

export function faultRecord(spec: FaultSpec, recoveryLimitMs: number): FaultRecord {
  let settle!: () => void;
  const settled = new Promise<void>((r) => (settle = r));
  return { spec, recoveryLimitMs, injected: false, windowsDuring: 0, deviatedDuring: 0, tally: emptyTally(), settled, settle };
}

export interface Placement {
  /** before, during:<fault>, recovery:<fault>, after:<fault> */
  label: string;
  /** Set when the suite's window checks skip the window. */
  exempt?: string;
}

/**
 * Places a closed window and updates the fault it belongs to. `faults` are in start order; only the
 * latest started one that has not settled can claim a window.
 */
export function placeWindow(faults: readonly FaultRecord[], w: { startMs: number; endMs: number; result: PhaseResult }, holding: Holding): Placement {
  const started = faults.filter((f) => f.startMs !== undefined);
  const f = started.at(-1);
  if (!f) return { label: 'before' };
  const name = f.spec.name;
  if (w.endMs <= f.startMs!) {
    const before = started.at(-2);
    return { label: before ? `after:${before.spec.name}` : 'before' };
  }
  const settledAlready = f.recoveredAtMs !== undefined || f.unrecovered === true || !f.injected;
  if (settledAlready) return { label: `after:${name}` };
  if (f.endMs === undefined || w.startMs < f.endMs) {
    f.windowsDuring++;
    // The answer checks catching what the fault proxy rewrote is the fault seen by the load.
    const caught = w.result.rewritten?.caught ?? 0;
    if (caught > 0) f.detection ??= { atMs: w.endMs, what: `the answer checks: ${caught} answer(s) the fault proxy rewrote found wrong` };
    if (!holding.held) {
      f.deviatedDuring++;
      f.detection ??= { atMs: w.endMs, what: `the load: ${holding.why}` };
    }
    addToTally(f.tally, w.result);
    return { label: `during:${name}`, exempt: `fault ${name}` };
  }
  if (holding.held) {
    f.recoveredAtMs = w.endMs;
    f.settle();
    return { label: `after:${name}` };
  }
  f.detection ??= { atMs: w.endMs, what: `the load: ${holding.why}` };
  f.deviatedDuring++;
  addToTally(f.tally, w.result);
  if (w.endMs - f.endMs <= f.recoveryLimitMs) return { label: `recovery:${name}`, exempt: `recovery from fault ${name}` };
  // Past the limit: not recovered; this window and the ones after it are judged, and fail.
  f.unrecovered = true;
  f.settle();
  return { label: `after:${name}` };
}
