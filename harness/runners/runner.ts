// The contract between the run loop and a suite kind's runner. A runner measures; it never
// formats output and never decides the verdict (checks do that from its metrics).
import type { EmitFn } from '../events.ts';
import type { SuitePlan } from '../plan.ts';
import type { Metrics } from '../result.ts';
import type { EmbeddingTarget } from '../targets/target.ts';

export interface RunnerContext {
  plan: SuitePlan;
  target: EmbeddingTarget;
  /** The `compare:` target, when the suite names one; measured the same way in the same run. */
  compare?: EmbeddingTarget;
  emit: EmitFn;
  /** Aborted on Ctrl-C, SIGTERM or the suite's timeout; runners stop promptly and return what they have. */
  signal: AbortSignal;
  seed: number;
}

export interface RunnerOutput {
  metrics: Metrics;
  baselineMetrics?: Metrics;
  details?: Record<string, unknown>;
  /** Set when the runner knows its evidence is insufficient; the suite is then inconclusive. */
  inconclusive?: string;
}

export type Runner = (ctx: RunnerContext) => Promise<RunnerOutput>;
