// The contract between the run loop and a suite kind's runner. A runner measures; it never
// formats output and never decides the verdict (checks do that from its metrics).
import type { EmitFn } from '../events.ts';
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
  /** Aborted on Ctrl-C, SIGTERM or the suite's timeout; runners stop promptly and return what they have. */
  signal: AbortSignal;
  seed: number;
}

export interface RunnerOutput {
  metrics: Metrics;
  baselineMetrics?: Metrics;
  /** The `ceiling.` scope of checks: the target's in-process ceiling (load suites on gguf targets). */
  ceilingMetrics?: Metrics;
  /** Metrics deliberately left out, with why (e.g. the load generator saturated), by scope; checks that read them say so. */
  unmeasured?: Partial<Record<'self' | 'baseline' | 'ceiling', Record<string, string>>>;
  details?: Record<string, unknown>;
  /** Set when the runner knows its evidence is insufficient; the suite is then inconclusive. */
  inconclusive?: string;
}

export type Runner = (ctx: RunnerContext) => Promise<RunnerOutput>;
