// Checks over windows. The run loop judges each window of the suite's own target as it closes
// (createWindowJudge); when the suite ends, concludeWindowCheck turns the per-window verdicts into
// the check's status. `embedgate report` calls the same function on the verdicts in events.jsonl.
import type { WindowCheckVerdict } from '../events.ts';
import { formatMs } from '../format.ts';
import type { PlannedCheck, WindowRule } from '../plan.ts';
import type { CheckResult, Metrics, SourcePosition, WindowEvidence } from '../result.ts';
import { evaluateCheck } from './evaluate.ts';
import { WindowTally, type TallySummary } from './window-tally.ts';

/** A check over windows as the reports and a rebuild need it: no parsed expression required. */
export interface WindowCheckSpec {
  source: string;
  operator: string;
  window: WindowRule;
  position?: SourcePosition;
}

/** One window's verdict on one check, with where the window lies in the suite. */
export interface JudgedWindow {
  index: number;
  startMs: number;
  endMs: number;
  verdict: WindowCheckVerdict;
}

/** Why a suite stopped early: the check whose window failed with abortOnFail, and that window. */
export interface WindowAbort {
  check: string;
  window: number;
  atMs: number;
  /** One line for the suite's reason. */
  reason: string;
}

export interface WindowInput {
  index: number;
  startMs: number;
  endMs: number;
  metrics: Metrics;
}

export interface WindowJudge {
  /** Judges every window check on one window; returns the verdicts, and the abort if this window causes one. */
  observe(window: WindowInput): { verdicts: WindowCheckVerdict[]; abort?: WindowAbort };
  /** The first abort, if any window caused one. */
  readonly abort: WindowAbort | undefined;
  /** The final result of one of the plan's window checks, from every window observed so far. */
  conclude(check: PlannedCheck): CheckResult;
}

export const isWindowCheck = (check: PlannedCheck): check is PlannedCheck & { window: WindowRule } => check.window !== undefined;

export function windowSpan(window: { startMs: number; endMs: number }): string {
  return `${formatMs(window.startMs)}–${formatMs(window.endMs)}`;
}

export function createWindowJudge(checks: readonly PlannedCheck[], machine: Metrics): WindowJudge {
  const windowChecks = checks.filter(isWindowCheck);
  // Fixed-size per check, however many windows close.
  const seen = new Map<PlannedCheck, WindowTally>(windowChecks.map((c) => [c, new WindowTally(c.expression.op, c.window.last)]));
  let abort: WindowAbort | undefined;
  return {
    observe(window) {
      const verdicts: WindowCheckVerdict[] = [];
      let caused: WindowAbort | undefined;
      for (const check of windowChecks) {
        const result = evaluateCheck(check.expression, { self: window.metrics, machine });
        const verdict: WindowCheckVerdict = {
          source: check.source,
          status: result.status,
          detail: result.detail,
          ...(result.left !== undefined ? { left: result.left } : {}),
          ...(result.right !== undefined ? { right: result.right } : {}),
        };
        verdicts.push(verdict);
        seen.get(check)!.add({ index: window.index, startMs: window.startMs, endMs: window.endMs, verdict });
        const rule = check.window;
        if (verdict.status === 'fail' && rule.abortOnFail && window.endMs >= rule.abortGraceMs && !abort) {
          abort = caused = {
            check: check.source,
            window: window.index,
            atMs: window.endMs,
            reason: `stopped early: window ${window.index} (${windowSpan(window)}) failed ${check.source} (${verdict.detail})`,
          };
        }
      }
      return caused ? { verdicts, abort: caused } : { verdicts };
    },
    get abort() {
      return abort;
    },
    conclude(check) {
      if (!isWindowCheck(check)) throw new Error(`'${check.source}' is not a check over windows`);
      const spec = { source: check.source, operator: check.expression.op, window: check.window, position: check.position };
      const tally = seen.get(check) ?? new WindowTally(spec.operator, spec.window.last);
      const result = concludeTally(spec, tally.summary(), abort?.check === check.source ? abort.window : undefined);
      return check.implicit ? { ...result, implicit: true } : result;
    },
  };
}

/**
 * The status of a check over windows: fail if a counted window failed (the first one is named with
 * its values), inconclusive if fewer than minWindows counted windows could be judged (no window at
 * all is too little evidence, never a pass), pass otherwise.
 */
export function concludeWindowCheck(check: WindowCheckSpec, windows: readonly JudgedWindow[], abortedAt?: number): CheckResult {
  const tally = new WindowTally(check.operator, check.window.last);
  for (const w of windows) tally.add(w);
  return concludeTally(check, tally.summary(), abortedAt);
}

function concludeTally(check: WindowCheckSpec, t: TallySummary, abortedAt?: number): CheckResult {
  const rule = check.window;
  const first = t.firstFailure;
  const evidence: WindowEvidence = {
    closed: t.closed,
    counted: t.counted,
    judged: t.judged,
    failed: t.failed,
    minWindows: rule.minWindows,
    ...(rule.last !== undefined ? { last: rule.last } : {}),
    ...(first ? { firstFailure: failureOf(first) } : {}),
    ...(abortedAt !== undefined ? { aborted: true } : {}),
  };
  const base = {
    source: check.source,
    operator: check.operator,
    ...(check.position ? { position: check.position } : {}),
    windows: evidence,
  };
  const which = rule.last !== undefined && t.closed > t.counted ? ` (the last ${t.counted} of ${t.closed})` : '';
  if (first) {
    const stopped = abortedAt !== undefined ? `; the suite stopped at window ${abortedAt}` : '';
    return {
      ...base,
      status: 'fail',
      ...(first.verdict.left !== undefined ? { left: first.verdict.left } : {}),
      ...(first.verdict.right !== undefined ? { right: first.verdict.right } : {}),
      detail: `window ${first.index} (${windowSpan(first)}) failed: ${first.verdict.detail}; ${t.failed} of ${t.counted} windows${which} failed${stopped}`,
    };
  }
  if (t.judged < rule.minWindows) {
    const unjudged = t.firstUnjudged;
    const why = unjudged ? `; window ${unjudged.index}: ${unjudged.verdict.detail}` : '';
    const detail =
      t.closed === 0
        ? 'no window closed, so the check could not be judged'
        : `${t.judged} of ${t.counted} windows${which} could be judged; the check needs at least ${rule.minWindows}${why}`;
    return { ...base, status: 'inconclusive', detail };
  }
  const worst = t.tightest;
  const margin = worst ? `; tightest: window ${worst.index}, ${worst.verdict.detail}` : '';
  return { ...base, status: 'pass', detail: `all ${t.judged} windows${which} passed${margin}` };
}

function failureOf(w: JudgedWindow): NonNullable<WindowEvidence['firstFailure']> {
  return {
    index: w.index,
    startMs: w.startMs,
    endMs: w.endMs,
    detail: w.verdict.detail,
    ...(w.verdict.left !== undefined ? { left: w.verdict.left } : {}),
    ...(w.verdict.right !== undefined ? { right: w.verdict.right } : {}),
  };
}
