// The steady-state hypothesis of a fault suite: its checks over windows (Chaos Toolkit's
// hypothesis, as embedgate writes it). The runner judges it itself on every window, to tell when a
// fault was visible and when the steady state held again; the run loop judges the same checks on
// the windows outside faults and their recovery, for the suite's verdict.
import { evaluateCheck } from '../../gates/evaluate.ts';
import { parseCheck } from '../../gates/parse.ts';
import type { CheckExpression } from '../../gates/expression.ts';
import { machineMetrics } from '../../machine.ts';
import type { PlannedCheck } from '../../plan.ts';
import type { Metrics } from '../../result.ts';

/** Used when a suite writes no check over windows: no errors and no wrong answers in a window. */
export const DEFAULT_HYPOTHESIS = ['errors.rate == 0', 'responses.invalid == 0'] as const;

export type Holding = { held: true } | { held: false; why: string };

export interface Hypothesis {
  /** The checks, as written. */
  sources: string[];
  /** Whether the suite wrote them (false: DEFAULT_HYPOTHESIS). */
  written: boolean;
  judge(metrics: Metrics): Holding;
}

export function steadyStateHypothesis(checks: readonly PlannedCheck[]): Hypothesis {
  const written = checks.filter((c) => c.window !== undefined);
  const expressions: CheckExpression[] = written.length > 0 ? written.map((c) => c.expression) : DEFAULT_HYPOTHESIS.map((s) => parseCheck(s));
  const machine = machineMetrics();
  return {
    sources: expressions.map((e) => e.source),
    written: written.length > 0,
    judge(metrics) {
      for (const e of expressions) {
        const r = evaluateCheck(e, { self: metrics, machine });
        // A check that cannot be judged (no 2xx answer, so no latency) does not hold either.
        if (r.status !== 'pass') return { held: false, why: `${e.source}: ${r.detail}` };
      }
      return { held: true };
    },
  };
}
