// The rollout as Argo Rollouts and Flagger run it, one analysis interval at a time: an interval in
// which a trigger fired rolls back at once (Argo's failureLimit 0); one in which every enabled
// trigger was judged and quiet passes, and a step promotes after `intervals` of them; anything
// else (too few requests, a trigger within its duration) is inconclusive and never promotes. More
// than `inconclusiveLimit` intervals in a row short of evidence pause the canary, which is no
// promotion either; an interval with a trigger within its duration only holds the step, since that
// trigger fires or clears within its duration, and a pause must not hide it.
import type { TriggerVerdict } from './triggers.ts';

export type IntervalVerdict = 'passed' | 'failed' | 'inconclusive';
export type Outcome = 'promoted' | 'rolled-back' | 'paused';

export interface Decision {
  verdict: IntervalVerdict;
  action: 'hold' | 'promote' | 'complete' | 'rollback' | 'pause';
  /** Candidate weight after the decision, in %. */
  weight: number;
  why: string;
}

/** `pending`: a trigger's condition holds, within its duration (it will fire or clear). */
export function intervalVerdict(triggers: readonly TriggerVerdict[]): { verdict: IntervalVerdict; why: string; pending?: boolean } {
  const fired = triggers.filter((t) => t.status === 'fired');
  if (fired.length) return { verdict: 'failed', why: fired.map((t) => `${t.trigger}: ${t.why}`).join('; ') };
  const unsure = triggers.filter((t) => t.status === 'inconclusive' || t.status === 'pending');
  if (unsure.length) return { verdict: 'inconclusive', why: unsure.map((t) => `${t.trigger} ${t.status}: ${t.why}`).join('; '), pending: unsure.some((t) => t.status === 'pending') };
  const judged = triggers.filter((t) => t.status === 'quiet');
  if (judged.length === 0) return { verdict: 'inconclusive', why: 'every trigger is disabled: nothing was judged' };
  return { verdict: 'passed', why: `${judged.map((t) => t.trigger).join(', ')} quiet` };
}

export class Procedure {
  private step = 0;
  private passedInStep = 0;
  private inconclusiveInRow = 0;
  outcome: Outcome | undefined;
  maxWeight: number;

  constructor(
    readonly steps: readonly number[],
    private readonly intervalsPerStep: number,
    private readonly inconclusiveLimit: number,
  ) {
    this.maxWeight = steps[0]!;
  }

  get weight(): number {
    return this.outcome === 'rolled-back' || this.outcome === 'paused' ? 0 : this.steps[this.step]!;
  }

  /** The step's label, e.g. "10%". */
  get label(): string {
    return `${this.steps[this.step]}%`;
  }

  decide(triggers: readonly TriggerVerdict[]): Decision {
    const { verdict, why, pending } = intervalVerdict(triggers);
    const at = this.steps[this.step]!;
    if (verdict === 'failed') {
      this.outcome = 'rolled-back';
      return { verdict, action: 'rollback', weight: 0, why: `rollback from ${at} %: ${why}` };
    }
    if (verdict === 'inconclusive' && pending) {
      // A trigger on its way to firing must get to fire: hold the step, never pause on it.
      return { verdict, action: 'hold', weight: at, why: `hold ${at} % while a trigger's condition holds: ${why}` };
    }
    if (verdict === 'inconclusive') {
      this.inconclusiveInRow++;
      if (this.inconclusiveInRow > this.inconclusiveLimit) {
        this.outcome = 'paused';
        return { verdict, action: 'pause', weight: 0, why: `paused at ${at} %: ${this.inconclusiveInRow} inconclusive intervals in a row (inconclusiveLimit ${this.inconclusiveLimit}); ${why}` };
      }
      return { verdict, action: 'hold', weight: at, why: `hold ${at} % (inconclusive ${this.inconclusiveInRow} of at most ${this.inconclusiveLimit} in a row): ${why}` };
    }
    this.inconclusiveInRow = 0;
    this.passedInStep++;
    if (this.passedInStep < this.intervalsPerStep) return { verdict, action: 'hold', weight: at, why: `hold ${at} % (${this.passedInStep} of ${this.intervalsPerStep} passing intervals): ${why}` };
    if (this.step === this.steps.length - 1) {
      this.outcome = 'promoted';
      return { verdict, action: 'complete', weight: at, why: `promoted: ${at} % held for ${this.intervalsPerStep} passing interval(s); ${why}` };
    }
    this.step++;
    this.passedInStep = 0;
    const next = this.steps[this.step]!;
    this.maxWeight = Math.max(this.maxWeight, next);
    return { verdict, action: 'promote', weight: next, why: `promote ${at} % → ${next} %: ${why}` };
  }
}
