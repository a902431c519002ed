// From runs to numbers: per-run measurements (detection, reassignment, takeover, speed-up), the
// suite metrics aggregated over runs, and the trace summary that goes into the report.
import { median as medianOf } from '../../metrics/statistics.ts';
import type { Metrics } from '../../result.ts';
import { workerFailures } from './invariants.ts';
import type { RunResult } from './simulation.ts';
import { SWARM_METRICS } from '../../kinds/swarm/metrics.ts';
import { formatVirtualTime } from './trace.ts';

export interface RunMeasures {
  detections: number[];
  reassignments: number[];
  takeovers: number[];
  /** Sequential / swarm virtual time over the committed waves; undefined when no wave completed. */
  speedup?: number;
}

export function measureRun(run: RunResult): RunMeasures {
  const { record } = run;
  const input = { config: run.config, faults: run.faults, record, store: run.store, outcome: run.outcome, endedAt: run.endedAt, attempts: [], keys: [] };
  const detections: number[] = [];
  const reassignments: number[] = [];
  for (const f of workerFailures(input)) {
    const d = record.detections.find((x) => x.agent === f.agent && x.at >= f.at && x.at <= f.at + (f.forMs ?? Infinity) + run.config.heartbeat.timeoutMs);
    if (d) detections.push(d.at - f.at);
    const held = record.attempts.filter((a) => a.worker === f.agent && a.dispatchedAt <= f.at && (a.endedAt ?? Infinity) > f.at && (a.resultAt ?? Infinity) > f.at);
    if (f.kind === 'crash' || (f.forMs ?? Infinity) >= run.config.requirements.reassignmentMs) {
      for (const a of held) {
        const next = record.attempts.find((b) => b.key === a.key && b.dispatchedAt > a.dispatchedAt);
        const moved = Math.min(a.endedAt ?? Infinity, next?.dispatchedAt ?? Infinity);
        if (moved !== Infinity) reassignments.push(moved - f.at);
      }
    }
  }
  const coordinators = new Set([run.config.coordinator, run.config.standby]);
  const takeovers = record.downs
    .filter((d) => coordinators.has(d.agent))
    .flatMap((d) => {
      const k = record.takeovers.find((t) => t.at >= d.from);
      return k ? [k.at - d.from] : [];
    });
  const done = record.waves.filter((w) => w.committedAt !== undefined);
  const sequential = done.reduce((s, w) => s + w.sequentialMs, 0);
  const last = done.at(-1)?.committedAt;
  return { detections, reassignments, takeovers, ...(last ? { speedup: sequential / last } : {}) };
}

const max = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);
// No runs to take the median of: the metric is left out, not NaN.
const median = (xs: number[]) => (xs.length ? medianOf(xs) : undefined);

export interface Judged {
  run: RunResult;
  measures: RunMeasures;
  /** The scenario's expect: differs from what happened. */
  unexpected?: string;
}

/** Whether the run's rollback matches the scenario's expectation; a reason when it does not. */
export function expectationMiss(run: RunResult, expect: string | undefined): string | undefined {
  if (expect === undefined) return undefined;
  const fired = run.record.rollback?.trigger;
  if (expect === 'none') return fired ? `expected no rollback, but ${fired} fired` : undefined;
  if (!fired) return `expected a rollback (${expect}), none fired`;
  return expect === 'any' || expect === fired ? undefined : `expected a ${expect} rollback, ${fired} fired`;
}

export function aggregate(runs: Judged[], faultFree: number[], measured?: number): Metrics {
  const m: Metrics = {};
  // Units come from the catalog the checks are validated against, so the two cannot drift apart.
  const put = (name: keyof typeof SWARM_METRICS, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) m[name] = { value, unit: SWARM_METRICS[name].unit };
  };
  const all = runs.map((r) => r.run);
  const completed = all.filter((r) => r.outcome === 'completed');
  const count = (f: (r: RunResult) => number) => all.reduce((s, r) => s + f(r), 0);
  put('runs', all.length);
  put('runs.completed', completed.length);
  put('runs.rolled_back', all.filter((r) => r.outcome === 'rolled-back').length);
  put('runs.timed_out', all.filter((r) => r.outcome === 'timed-out').length);
  put('invariants.violations', count((r) => r.violations.length));
  put('invariants.failed_runs', all.filter((r) => r.violations.length > 0).length);
  put('tasks.total', count((r) => r.store.expected));
  put('tasks.committed', count((r) => r.record.commits.length));
  put('byzantine.committed', count((r) => r.record.commits.filter((c) => !c.correct).length));
  put('byzantine.rejected', count((r) => r.record.rejected.filter((x) => x.why !== 'deadline').length));
  const detections = runs.flatMap((r) => r.measures.detections);
  put('detection.max', max(detections) ?? 0);
  if (detections.length) put('detection.mean', detections.reduce((a, b) => a + b, 0) / detections.length);
  put('reassignment.max', max(runs.flatMap((r) => r.measures.reassignments)) ?? 0);
  put('takeover.max', max(runs.flatMap((r) => r.measures.takeovers)));
  const speedups = runs.flatMap((r) => (r.measures.speedup !== undefined && r.run.outcome === 'completed' ? [r.measures.speedup] : []));
  put('speedup', median(speedups));
  put('speedup.min', speedups.length ? Math.min(...speedups) : undefined);
  put('speedup.max', max(speedups));
  put('speedup.fault_free', median(faultFree));
  put('speedup.measured', measured);
  put('rollback.fired', all.filter((r) => r.record.rollback).length);
  const durations = all.flatMap((r) => (r.record.rollback?.doneAt !== undefined ? [r.record.rollback.doneAt - r.record.rollback.firedAt] : []));
  put('rollback.duration', max(durations) ?? 0);
  put('scenarios.unexpected', runs.filter((r) => r.unexpected).length);
  put('breaker.opens', count((r) => r.record.breakerOpens.length));
  const clean = completed.filter((r) => r.store.missing.length === 0 && r.store.corrupted.length === 0 && r.store.wrongModel === 0 && !r.store.mixed);
  if (completed.length) put('integrity.verified', clean.length / completed.length);
  put('integrity.missing', completed.reduce((s, r) => s + r.store.missing.length, 0));
  put('integrity.corrupted', completed.reduce((s, r) => s + r.store.corrupted.length, 0));
  put('integrity.wrong_model', completed.reduce((s, r) => s + r.store.wrongModel, 0));
  put('integrity.mixed', completed.filter((r) => r.store.mixed).length);
  put('sim.events', count((r) => r.events));
  return m;
}

/** The report's view of one run: per-agent timeline, faults, reassignments, rollback. */
export function traceSummary(run: RunResult): Record<string, unknown> {
  const t = formatVirtualTime;
  const { record } = run;
  const timeline: Record<string, string[]> = {};
  const note = (agent: string, at: number, what: string) => (timeline[agent] ??= []).push(`${t(at)} ${what}`);
  for (const d of record.downs) {
    note(d.agent, d.from, 'crashed');
    if (d.to !== undefined) note(d.agent, d.to, 'restarted');
  }
  for (const d of record.detections) note(d.agent, d.at, d.how === 'timeout' ? `declared failed by ${d.by}` : `seen restarted by ${d.by}`);
  for (const r of record.rejoins) note(r.agent, r.at, 'rejoined');
  for (const b of record.breakerOpens) note(b.agent, b.at, 'circuit breaker opened');
  for (const k of record.takeovers) note(k.by, k.at, `took over as coordinator (epoch ${k.epoch})`);
  for (const list of Object.values(timeline)) list.sort();
  return {
    seed: run.seed,
    outcome: run.outcome,
    endedAt: t(run.endedAt),
    traceDigest: run.trace.digest(),
    traceLines: run.trace.length,
    faults: run.faults.map((f) => ({ ...f, at: t(f.at) })),
    timeline,
    reassignments: record.attempts.filter((a) => a.reassigned).map((a) => ({ attempt: a.id, to: a.worker, at: t(a.dispatchedAt) })),
    rejected: record.rejected.map((r) => ({ ...r, at: t(r.at) })),
    rollback: record.rollback && { ...record.rollback, firedAt: t(record.rollback.firedAt), doneAt: record.rollback.doneAt !== undefined ? t(record.rollback.doneAt) : undefined },
    violations: run.violations,
    network: run.network,
  };
}
