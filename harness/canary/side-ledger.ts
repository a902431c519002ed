// Per-side accounting of the canary router: every request it routed, by side, with when it arrived
// and ended and how (an answer with its status, or a failure without one), its latency, and for a
// 2xx answer what the answer checks found. The judge reads both sides of one interval from here,
// so baseline and candidate are measured by the same router under the same traffic. A request is
// counted in the interval in which it ended; one still in flight is counted when it ends.
import { AnswerChecker, inputsOfBody, type InvalidReason } from '../http-client/answer-check.ts';
import type { Side } from './weighted-choice.ts';

/** Why a routed request got no answer from its side. */
export type Failure = 'timeout' | 'reset' | 'connection' | 'client-gone';
export const FAILURES: readonly Failure[] = ['timeout', 'reset', 'connection', 'client-gone'];

export interface Exchange {
  side: Side;
  /** ms on the suite's clock. */
  arrivedMs: number;
  endedMs: number;
  /** The side's status code, when it answered. */
  status?: number;
  failure?: Failure;
  /** Set for a checked 2xx answer that was wrong. */
  invalid?: InvalidReason;
}

export interface SideSummary {
  /** Requests that ended in the span: answered or failed. */
  ended: number;
  ok: number;
  /** Answers with a non-2xx status. */
  status: number;
  failures: Record<Failure, number>;
  /** ended − ok: every request that did not get a 2xx answer. */
  errors: number;
  /** Of the 2xx answers, ms from arrival at the router to the side's whole answer. */
  latencies: number[];
  checked: number;
  invalid: number;
  invalidByReason: Partial<Record<InvalidReason, number>>;
  /** Still in flight at the span's end. */
  inFlight: number;
}

export function emptySummary(): SideSummary {
  return { ended: 0, ok: 0, status: 0, failures: { timeout: 0, reset: 0, connection: 0, 'client-gone': 0 }, errors: 0, latencies: [], checked: 0, invalid: 0, invalidByReason: {}, inFlight: 0 };
}

export function addExchange(s: SideSummary, e: Exchange): void {
  s.ended++;
  if (e.failure) s.failures[e.failure]++;
  else if (e.status !== undefined && e.status >= 200 && e.status < 300) {
    s.ok++;
    s.latencies.push(e.endedMs - e.arrivedMs);
  } else s.status++;
  s.errors = s.ended - s.ok;
  if (e.invalid) {
    s.invalid++;
    s.invalidByReason[e.invalid] = (s.invalidByReason[e.invalid] ?? 0) + 1;
  }
}

/** Sums summaries (intervals into a side's total); latencies are concatenated. */
export function mergeSummary(into: SideSummary, s: SideSummary): void {
  into.ended += s.ended;
  into.ok += s.ok;
  into.status += s.status;
  into.errors += s.errors;
  for (const f of FAILURES) into.failures[f] += s.failures[f];
  for (const l of s.latencies) into.latencies.push(l);
  into.checked += s.checked;
  into.invalid += s.invalid;
  for (const [r, n] of Object.entries(s.invalidByReason)) into.invalidByReason[r as InvalidReason] = (into.invalidByReason[r as InvalidReason] ?? 0) + n;
  into.inFlight = s.inFlight;
}

export class SideLedger {
  private readonly ended: Exchange[] = [];
  private readonly inFlight: Record<Side, number> = { baseline: 0, candidate: 0 };
  private readonly checkers: Record<Side, AnswerChecker>;
  private readonly checkedCount: Record<Side, number> = { baseline: 0, candidate: 0 };
  private readonly idle: Record<Side, (() => void)[]> = { baseline: [], candidate: [] };

  constructor(dimensions: Partial<Record<Side, number>> = {}) {
    // Each side against its own history: two models give one text two different vectors.
    this.checkers = {
      baseline: new AnswerChecker(dimensions.baseline ? { dimensions: dimensions.baseline } : {}),
      candidate: new AnswerChecker(dimensions.candidate ? { dimensions: dimensions.candidate } : {}),
    };
  }

  started(side: Side): void {
    this.inFlight[side]++;
  }

  /** Records a request that ended; a 2xx answer body is checked against the request's inputs. */
  finished(e: Omit<Exchange, 'invalid'>, requestBody: string, answerBody: string | undefined): Exchange {
    const x: Exchange = { ...e };
    if (answerBody !== undefined && e.status !== undefined && e.status >= 200 && e.status < 300) {
      const reason = this.checkers[e.side].check(answerBody, inputsOfBody(requestBody));
      this.checkedCount[e.side]++;
      if (reason) x.invalid = reason;
    }
    this.ended.push(x);
    this.inFlight[e.side]--;
    if (this.inFlight[e.side] === 0) for (const r of this.idle[e.side].splice(0)) r();
    return x;
  }

  inFlightOf(side: Side): number {
    return this.inFlight[side];
  }

  /** Resolves once nothing is in flight on `side`. */
  whenIdle(side: Side): Promise<void> {
    if (this.inFlight[side] === 0) return Promise.resolve();
    return new Promise((r) => this.idle[side].push(r));
  }

  /** Requests of one side that ended in (fromMs, toMs]; `checked` counts 2xx answers checked. */
  summary(side: Side, fromMs: number, toMs: number): SideSummary {
    const s = emptySummary();
    for (const e of this.ended) {
      if (e.side !== side || e.endedMs <= fromMs || e.endedMs > toMs) continue;
      addExchange(s, e);
      if (!e.failure && e.status !== undefined && e.status >= 200 && e.status < 300) s.checked++;
    }
    s.inFlight = this.inFlight[side];
    return s;
  }

  /** Exchanges that match, for the rollback's own accounting (arrivals during the shift). */
  where(match: (e: Exchange) => boolean): Exchange[] {
    return this.ended.filter(match);
  }

  /** Forgets exchanges that ended at or before `ms` (a long canary keeps only what it still judges). */
  forgetBefore(ms: number): void {
    let n = 0;
    while (n < this.ended.length && this.ended[n]!.endedMs <= ms) n++;
    if (n > 0) this.ended.splice(0, n);
  }
}
