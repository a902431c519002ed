// A suite's windows while it runs: numbers each window its runner reports, judges the suite's
// checks over windows on it at once, logs it to events.jsonl, and aborts the suite's signal when
// a failing check has abortOnFail. The verdicts ride on the window event, so a report rebuilt
// from events.jsonl sees what the run saw.
import type { EmitFn } from './events.ts';
import { createWindowJudge, type WindowAbort } from './gates/windows.ts';
import type { WindowResult } from './kinds/runner.ts';
import type { PlannedCheck, SuitePlan } from './plan.ts';
import type { CheckResult, Metrics } from './result.ts';

export interface SuiteWindows {
  /** RunnerContext.window. */
  report(window: WindowResult): void;
  /** Aborted, with the WindowAbort as its reason, when a window check with abortOnFail failed. */
  readonly signal: AbortSignal;
  readonly abort: WindowAbort | undefined;
  /** Stops judging: windows reported after this (a runner still winding down) are logged without verdicts. */
  close(): void;
  conclude(check: PlannedCheck): CheckResult;
}

export function createSuiteWindows(plan: SuitePlan, emit: EmitFn, machine: Metrics): SuiteWindows {
  const judge = createWindowJudge(plan.checks, machine);
  const controller = new AbortController();
  const counters = { target: 0, baseline: 0 };
  let open = true;
  return {
    report(window) {
      const side = window.side ?? 'target';
      const index = ++counters[side];
      // Only the suite's own target is judged, never an exempt window; after an abort the failing window stays the last one judged.
      const judged = open && side === 'target' && window.exempt === undefined && !judge.abort ? judge.observe({ index, startMs: window.startMs, endMs: window.endMs, metrics: window.metrics }) : undefined;
      emit({
        type: 'window',
        suite: plan.name,
        index,
        ...window,
        ...(judged && judged.verdicts.length > 0 ? { checks: judged.verdicts } : {}),
      });
      if (judged?.abort) controller.abort(judged.abort);
    },
    signal: controller.signal,
    get abort() {
      return judge.abort;
    },
    close() {
      open = false;
    },
    conclude: (check) => judge.conclude(check),
  };
}
