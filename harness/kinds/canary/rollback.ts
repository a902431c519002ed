// The rollback as it is measured: detection (the interval end at which a trigger fired), the shift
// (the router sending every new request to the baseline, one assignment), and the drain (the last
// request in flight on the candidate finishing or failing). Requests lost by the shift are counted
// from the router's own records: any request arriving after the shift that went to the candidate
// or did not get a 2xx answer from the baseline, plus requests between the load generator and the
// router that got no answer at all (reset, refused, lost) in windows after the shift.
import type { CanaryRouter } from '../../canary/router.ts';
import type { Exchange } from '../../canary/side-ledger.ts';
import type { PhaseResult } from '../../http-client/phase.ts';

export interface RollbackRecord {
  triggers: string[];
  onsetMs: number;
  detectedAtMs: number;
  shiftedAtMs: number;
  /** Undefined when the candidate still had requests in flight when the wait ended. */
  drainedAtMs?: number;
  inflight: number;
  drainWaitMs: number;
}

export async function rollBack(router: CanaryRouter, triggers: string[], onsetMs: number, detectedAtMs: number, drainWaitMs: number): Promise<RollbackRecord> {
  const inflight = router.ledger.inFlightOf('candidate');
  const shiftedAtMs = router.shiftToBaseline();
  let timer: NodeJS.Timeout | undefined;
  const drainedAtMs = await Promise.race([router.drained(), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), drainWaitMs)))]);
  clearTimeout(timer);
  return { triggers, onsetMs, detectedAtMs, shiftedAtMs, ...(drainedAtMs !== undefined ? { drainedAtMs } : {}), inflight, drainWaitMs };
}

const ok = (e: Exchange) => !e.failure && e.status !== undefined && e.status >= 200 && e.status < 300;

export interface RollbackLosses {
  /** Arrived after the shift and went to the candidate (0 by construction; counted anyway). */
  misrouted: number;
  /** Arrived after the shift, went to the baseline, no 2xx answer. */
  failedAfterShift: number;
  /** Between the load generator and the router, no answer at all, in windows ending after the shift. */
  generatorSide: number;
  lost: number;
  /** In flight on the candidate at the shift and not answered 2xx by it. */
  inflightFailed: number;
}

export function rollbackLosses(r: RollbackRecord, exchanges: (match: (e: Exchange) => boolean) => Exchange[], windows: readonly { endMs: number; result: PhaseResult }[]): RollbackLosses {
  const after = exchanges((e) => e.arrivedMs >= r.shiftedAtMs);
  const misrouted = after.filter((e) => e.side === 'candidate').length;
  const failedAfterShift = after.filter((e) => e.side === 'baseline' && !ok(e)).length;
  // Timeouts and unanswered requests are left out here: those are the candidate's own, still held when a window closed.
  const generatorSide = windows.filter((w) => w.endMs > r.shiftedAtMs).reduce((a, w) => a + w.result.errors.reset + w.result.errors.connection + w.result.errors.lost, 0);
  const inflightFailed = exchanges((e) => e.side === 'candidate' && e.arrivedMs < r.shiftedAtMs && e.endedMs >= r.shiftedAtMs && !ok(e)).length;
  return { misrouted, failedAfterShift, generatorSide, lost: misrouted + failedAfterShift + generatorSide, inflightFailed };
}
