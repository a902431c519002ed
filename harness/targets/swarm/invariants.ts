// Invariants checked after every run, against the plan's requirements and the ground truth of
// the fault schedule, never against the mechanisms' own settings: a 10-minute heartbeat timeout
// "detects within its timeout" but not within the plan's limit, and that must show.
import type { SwarmConfig } from './config.ts';
import type { FaultSpec } from './faults.ts';
import { triggerTruths, type TriggerHold } from './truth.ts';
import type { RunRecord } from './record.ts';
import type { CommitAttempt, StoreVerification } from './store.ts';
import { formatVirtualTime as t } from './trace.ts';

export type InvariantName =
  | 'commit-exactly-once'
  | 'no-byzantine-commit'
  | 'store-integrity'
  | 'detection-within-limit'
  | 'reassignment-within-limit'
  | 'rollback-iff-trigger'
  | 'rollback-within-limit'
  | 'dag-order';

export const INVARIANTS: readonly InvariantName[] = [
  'commit-exactly-once', 'no-byzantine-commit', 'store-integrity', 'detection-within-limit',
  'reassignment-within-limit', 'rollback-iff-trigger', 'rollback-within-limit', 'dag-order',
];

export interface Violation {
  invariant: InvariantName;
  detail: string;
}

export interface InvariantInput {
  config: SwarmConfig;
  faults: FaultSpec[];
  record: RunRecord;
  store: StoreVerification;
  outcome: 'completed' | 'rolled-back' | 'timed-out';
  endedAt: number;
  attempts: CommitAttempt[];
  keys: string[];
}

/** A worker cut off from the acting coordinator, from `at` for `forMs` (undefined: to the end). */
export interface WorkerFailure {
  agent: string;
  kind: 'crash' | 'partition';
  at: number;
  forMs?: number;
}

export function checkInvariants(input: InvariantInput): Violation[] {
  const out: Violation[] = [];
  const add = (invariant: InvariantName, detail: string) => out.push({ invariant, detail });
  const { record, store, config, outcome, endedAt } = input;

  // Exactly once: no key committed twice, none unknown, and all of them when the run completed.
  const commitsPerKey = new Map<string, number>();
  for (const c of record.commits) commitsPerKey.set(c.key, (commitsPerKey.get(c.key) ?? 0) + 1);
  for (const [key, n] of commitsPerKey) if (n > 1) add('commit-exactly-once', `${key} committed ${n} times`);
  for (const key of store.unexpected) add('commit-exactly-once', `${key} committed but is no task of the run`);
  if (outcome === 'completed') for (const key of store.missing) add('commit-exactly-once', `run completed without committing ${key}`);

  for (const c of record.commits) if (!c.correct) add('no-byzantine-commit', `${c.key} committed a wrong result from ${c.primary} at ${t(c.at)}`);

  if (outcome === 'completed') {
    if (store.corrupted.length > 0) add('store-integrity', `corrupted entries at the end: ${store.corrupted.join(', ')}`);
    if (store.wrongModel > 0 || store.mixed) add('store-integrity', `store mixes models: ${JSON.stringify(store.models)}`);
  }

  const limits = config.requirements;
  const rollbackAt = record.rollback?.firedAt ?? Infinity;
  for (const failure of workerFailures(input)) {
    const until = failure.forMs === undefined ? Infinity : failure.at + failure.forMs;
    const windowEnd = failure.at + limits.detectionMs;
    const observable = windowEnd <= Math.min(endedAt, rollbackAt) && !coordinatorDisturbed(input, failure.at - config.heartbeat.timeoutMs, windowEnd);
    if (observable && until >= windowEnd) {
      const seen = record.detections.some((d) => d.agent === failure.agent && d.at >= failure.at && d.at <= windowEnd) || suspectedAt(record, failure.agent, failure.at);
      if (!seen) {
        const late = record.detections.find((d) => d.agent === failure.agent && d.at >= failure.at);
        add('detection-within-limit', `${failure.kind} of ${failure.agent} at ${t(failure.at)} ${late ? `detected only after ${(late.at - failure.at) / 1000} s` : 'never detected'} (limit ${limits.detectionMs / 1000} s)`);
      }
    }
    checkReassignment(input, failure, until, add);
  }

  for (const problem of checkRollbackTruth(input, triggerTruths(input))) add('rollback-iff-trigger', problem);
  if (record.rollback) {
    const { firedAt, doneAt } = record.rollback;
    if (doneAt === undefined) add('rollback-within-limit', `rollback fired at ${t(firedAt)} never finished`);
    else if (doneAt - firedAt > limits.rollbackMs) add('rollback-within-limit', `rollback took ${(doneAt - firedAt) / 1000} s (limit ${limits.rollbackMs / 1000} s)`);
  }

  checkDagOrder(input, add);
  return out;
}

/** Whether the agent was already suspected (detected, not yet rejoined) at `time`. */
function suspectedAt(record: RunRecord, agent: string, time: number): boolean {
  const detected = record.detections.filter((d) => d.agent === agent && d.how === 'timeout' && d.at <= time).at(-1);
  return detected !== undefined && !record.rejoins.some((r) => r.agent === agent && r.at >= detected.at && r.at <= time);
}

export function workerFailures(input: InvariantInput): WorkerFailure[] {
  const workers = new Set(input.config.workers.map((w) => w.id));
  const out: WorkerFailure[] = [];
  for (const d of input.record.downs) {
    if (workers.has(d.agent)) out.push({ agent: d.agent, kind: 'crash', at: d.from, ...(d.to !== undefined ? { forMs: d.to - d.from } : {}) });
  }
  for (const f of input.faults) {
    if (f.type !== 'partition') continue;
    const acting = actingAt(input, f.at);
    if (f.agents.includes(acting)) continue;
    for (const agent of f.agents) if (workers.has(agent)) out.push({ agent, kind: 'partition', at: f.at, forMs: f.forMs });
  }
  return out;
}

function actingAt(input: InvariantInput, time: number): string {
  let acting = input.config.coordinator;
  for (const k of input.record.takeovers) if (k.at <= time) acting = k.by;
  return acting;
}

/** A coordinator went down or changed hands near the window: detection then restarts from the takeover. */
function coordinatorDisturbed(input: InvariantInput, from: number, to: number): boolean {
  const coordinators = new Set([input.config.coordinator, input.config.standby].filter(Boolean) as string[]);
  if (input.record.downs.some((d) => coordinators.has(d.agent) && d.from <= to && (d.to ?? Infinity) >= from)) return true;
  if (input.record.takeovers.some((k) => k.at >= from && k.at <= to)) return true;
  return input.faults.some((f) => f.type === 'partition' && f.agents.some((a) => coordinators.has(a)) && f.at <= to && f.at + f.forMs >= from);
}

/** Work the failed worker held must move (re-dispatched or settled) within the limit. */
function checkReassignment(input: InvariantInput, failure: WorkerFailure, until: number, add: (i: InvariantName, d: string) => void): void {
  const { record, config, endedAt } = input;
  const limit = config.requirements.reassignmentMs;
  const deadline = failure.at + limit;
  // A short partition loses nothing: the worker keeps its jobs and resends its results.
  if (failure.kind === 'partition' && until < deadline) return;
  if (deadline > Math.min(endedAt, record.rollback?.firedAt ?? Infinity)) return;
  if (coordinatorDisturbed(input, failure.at - config.heartbeat.timeoutMs, deadline)) return;
  for (const a of record.attempts) {
    if (a.worker !== failure.agent || a.dispatchedAt >= Math.min(deadline, until)) continue;
    // A newer coordinator fenced the attempt's epoch before the failure: the worker held nothing for it.
    if (record.takeovers.some((k) => k.epoch > a.epoch && k.at <= failure.at)) continue;
    if (a.endedAt !== undefined && a.endedAt <= failure.at) continue;
    if (a.resultAt !== undefined && a.resultAt <= failure.at) continue;
    const moved = Math.min(
      a.endedAt ?? Infinity,
      a.resultAt ?? Infinity,
      ...record.attempts.filter((b) => b.key === a.key && b.dispatchedAt > a.dispatchedAt).map((b) => b.dispatchedAt),
    );
    if (moved > deadline) {
      add('reassignment-within-limit', `${a.id} held by ${failure.agent} (${failure.kind} at ${t(failure.at)}) ${moved === Infinity ? 'never moved' : `moved after ${(moved - failure.at) / 1000} s`} (limit ${limit / 1000} s)`);
    }
  }
}

function checkRollbackTruth(input: InvariantInput, holds: TriggerHold[]): string[] {
  const { record, config, endedAt } = input;
  const problems: string[] = [];
  const fired = record.rollback;
  if (fired) {
    const justified = holds.some((h) => h.trigger === fired.trigger && h.subject === fired.subject && h.at <= fired.firedAt && (h.by === undefined || h.by === fired.by));
    if (!justified) problems.push(`rollback fired at ${t(fired.firedAt)} on ${fired.trigger} of ${fired.subject}, which never held by then`);
  }
  // The monitor hears of a trigger at the latest when it would call the agent silent.
  const slack = config.triggers.silenceMs + config.heartbeat.timeoutMs + (config.scrubMs ?? 0);
  for (const h of holds) {
    if (h.by !== undefined || h.optional) continue; // these only justify a firing
    if (h.at + slack > endedAt || (fired && fired.firedAt <= h.at + slack)) continue;
    problems.push(`${h.trigger} of ${h.subject} held at ${t(h.at)} (${h.why}) but no rollback fired by ${t(h.at + slack)}`);
  }
  return problems;
}

function checkDagOrder(input: InvariantInput, add: (i: InvariantName, d: string) => void): void {
  const committedAt = new Map(input.record.commits.map((c) => [c.key, c.at]));
  const byKey = new Map<string, string[]>();
  const multiWave = input.config.waves > 1;
  for (const task of input.config.dag) byKey.set(task.id, task.after);
  for (const a of input.record.attempts) {
    const slash = a.key.indexOf('/');
    const prefix = multiWave ? a.key.slice(0, slash + 1) : '';
    const id = multiWave ? a.key.slice(slash + 1) : a.key;
    for (const dep of byKey.get(id) ?? []) {
      const at = committedAt.get(prefix + dep);
      if (at === undefined || at > a.dispatchedAt) add('dag-order', `${a.id} dispatched at ${t(a.dispatchedAt)} before its dependency ${prefix + dep} was committed`);
    }
  }
}
