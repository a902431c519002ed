// What a task's work is. In DAG mode the work is simulated: a task's result is a digest that the
// seed fixes, and a byzantine worker returns a different one. In real-work mode (reembed.ts) a task
// is a shard of a corpus embedded through a real target. Either way the schedule lives in virtual
// time; real work only decides the values that results carry.
import type { DurationDist, TaskSpec } from './config.ts';
import type { Payload } from './store.ts';
import { hashString, Prng } from '../../random.ts';

export interface TaskInstance {
  /** Store key: the task id, prefixed by its wave when the DAG runs more than once. */
  key: string;
  wave: number;
  spec: TaskSpec;
  /** Virtual work at speed 1, fixed per task and seed (the sequential baseline sums these). */
  costMs: number;
}

export interface TaskResult {
  model: string;
  payload: Payload;
  /** Oracle only: whether this is the correct result. Agents never read it, except byzantine ones colluding. */
  correct: boolean;
}

/** A value now (simulated) or later (real work); the clock awaits `promise` before reading `value`. */
export interface Pending<T> {
  value?: T;
  promise?: Promise<unknown>;
  error?: string;
}

export interface WorkBackend {
  /** Identity of the model the store must hold. */
  readonly expectedModel: string;
  readonly staleModel: string;
  execute(task: TaskInstance, opts: { byzantine: boolean; stale: boolean }): Pending<TaskResult>;
  /** An honest verifier's judgement of a result. */
  verify(task: TaskInstance, result: TaskResult): Pending<boolean>;
}

export const SIMULATED_MODEL = 'sim:nomic-embed-code';
export const SIMULATED_OLD_MODEL = 'sim:nomic-embed-text';

export function drawDuration(dist: DurationDist, rng: Prng): number {
  switch (dist.kind) {
    case 'fixed':
      return dist.ms;
    case 'uniform':
      return Math.round(rng.between(dist.min, dist.max));
    case 'lognormal':
      return Math.round(dist.median * Math.exp(dist.sigma * rng.gaussian()));
  }
}

/** Simulated work: the correct digest of a task is fixed by the seed and the task key. */
export class SimulatedWork implements WorkBackend {
  readonly expectedModel = SIMULATED_MODEL;
  readonly staleModel = SIMULATED_OLD_MODEL;

  constructor(private readonly seed: number) {}

  private truth(key: string): number {
    return hashString(key, this.seed);
  }

  execute(task: TaskInstance, opts: { byzantine: boolean; stale: boolean }): Pending<TaskResult> {
    const truth = this.truth(task.key);
    const digest = opts.byzantine ? (truth ^ 0x0badf00d) >>> 0 : truth;
    return { value: { model: opts.stale ? this.staleModel : this.expectedModel, payload: { kind: 'digest', digest }, correct: !opts.byzantine } };
  }

  verify(task: TaskInstance, result: TaskResult): Pending<boolean> {
    return { value: result.payload.kind === 'digest' && result.payload.digest === this.truth(task.key) };
  }
}
