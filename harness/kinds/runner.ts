// The contract between the run loop and a suite kind's runner. A runner measures; it never
// formats output and never decides the verdict (checks do that from its metrics).
import type { EmitFn, WindowEvent } from '../events.ts';
import type { SuitePlan } from '../plan.ts';
import type { Metrics } from '../result.ts';
import type { Target } from '../targets/target.ts';

export interface RunnerContext {
  plan: SuitePlan;
  /** Ask it for what the kind needs with need() (harness/targets/target.ts), never by class. */
  target: Target;
  /** The `compare:` target, when the suite names one; measured the same way in the same run. */
  compare?: Target;
  emit: EmitFn;
  /**
   * Reports one time slice as it closes; the run loop numbers it, judges the suite's checks over
   * windows on it and logs it. A failing check with abortOnFail then aborts `signal`.
   */
  window: (window: WindowResult) => void;
  /** Aborted on Ctrl-C, SIGTERM, the suite's timeout or a window check's abortOnFail; runners stop promptly and return what they have. */
  signal: AbortSignal;
  seed: number;
}

export interface RunnerOutput {
  metrics: Metrics;
  baselineMetrics?: Metrics;
  /** The `ceiling.` scope of checks: the target's in-process ceiling (load suites on gguf targets). */
  ceilingMetrics?: Metrics;
  /** The `reference.` scope: the load suite's reference: server, measured like the target. */
  referenceMetrics?: Metrics;
  /** Metrics deliberately left out, with why (e.g. the load generator saturated), by scope; checks that read them say so. */
  unmeasured?: Partial<Record<'self' | 'baseline' | 'ceiling' | 'reference', Record<string, string>>>;
  details?: Record<string, unknown>;
  /** Set when the runner knows its evidence is insufficient; the suite is then inconclusive. */
  inconclusive?: string;
}

/** What a runner says about a window; the run loop adds the suite, the index and the verdicts. */
export type WindowResult = Pick<WindowEvent, 'startMs' | 'endMs' | 'metrics'> & Partial<Pick<WindowEvent, 'side' | 'label' | 'histogram' | 'exempt'>>;

export type Runner = (ctx: RunnerContext) => Promise<RunnerOutput>;
