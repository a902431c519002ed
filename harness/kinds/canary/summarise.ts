// A canary suite's metrics from what the run recorded: the outcome and whether it is the expected
// one, the rollback's times and losses, each side's totals from the router (the candidate in the
// suite's scope, the baseline in `baseline.`), and the load generator's totals. A rollback whose
// drain never ended leaves its duration unmeasured, so a check on it is inconclusive, and the
// expectation is unmet.
import { errorTotal } from '../../http-client/phase.ts';
import type { Tally } from '../../http-client/tally.ts';
import { percentileOfSorted } from '../../metrics/statistics.ts';
import { PERCENTILES } from '../../metrics/percentiles.ts';
import { mean } from '../../metrics/statistics.ts';
import type { SideSummary } from '../../canary/side-ledger.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { CANARY_METRICS } from './metrics.ts';
import type { CanaryParams } from './params.ts';
import type { Outcome } from './procedure.ts';
import type { RollbackLosses, RollbackRecord } from './rollback.ts';

type Name = keyof typeof CANARY_METRICS & string;

export function sideMetrics(s: SideSummary, rssPeak: number | undefined): Metrics {
  const out = metricWriter(CANARY_METRICS);
  out.set('requests.routed', s.ended);
  out.set('requests.ok', s.ok);
  out.set('errors.total', s.errors);
  out.put('errors.rate', s.ended > 0 ? s.errors / s.ended : undefined);
  out.set('errors.status', s.status);
  out.set('errors.timeout', s.failures.timeout);
  out.set('errors.reset', s.failures.reset);
  out.set('errors.connection', s.failures.connection);
  out.set('errors.client_gone', s.failures['client-gone']);
  if (s.latencies.length) {
    const l = [...s.latencies].sort((a, b) => a - b);
    const at: Record<(typeof PERCENTILES)[number], number> = { p50: percentileOfSorted(l, 50), p90: percentileOfSorted(l, 90), p95: percentileOfSorted(l, 95), p99: percentileOfSorted(l, 99), p99_9: percentileOfSorted(l, 99.9), max: l.at(-1)!, min: l[0]!, mean: mean(l) };
    for (const p of PERCENTILES) out.set(`latency.${p}`, at[p]);
  }
  out.set('responses.checked', s.checked);
  out.set('responses.invalid', s.invalid);
  for (const [reason, n] of Object.entries(s.invalidByReason)) out.set(`responses.invalid.${reason}` as Name, n);
  out.put('memory.rss.peak', rssPeak);
  return out.metrics;
}

export interface CanarySummaryInput {
  p: CanaryParams;
  outcome: Outcome | undefined;
  maxWeight: number;
  intervals: { verdict: 'passed' | 'failed' | 'inconclusive' }[];
  rollback?: RollbackRecord;
  losses?: RollbackLosses;
  candidate: SideSummary;
  candidateRssPeak?: number;
  memoryLimitBytes: number;
  load: Tally;
  capacityRps?: number;
  rate?: number;
}

export function expectationMet(input: Pick<CanarySummaryInput, 'p' | 'outcome' | 'rollback'>): { met: boolean; why: string } {
  const { p, outcome, rollback } = input;
  if (p.expect.promoted) return outcome === 'promoted' ? { met: true, why: 'promoted, as expected' } : { met: false, why: `expected a promotion, got ${outcome ?? 'no outcome'}${rollback ? ` (${rollback.triggers.join(', ')})` : ''}` };
  const want = p.expect.rollback!;
  if (outcome !== 'rolled-back' || !rollback) return { met: false, why: `expected a rollback by ${want}, got ${outcome ?? 'no outcome'}: the ${want} trigger did not fire` };
  if (!rollback.triggers.includes(want)) return { met: false, why: `expected a rollback by ${want}, got one by ${rollback.triggers.join(', ')}` };
  if (rollback.drainedAtMs === undefined) return { met: false, why: `rolled back by ${want}, but the candidate still had requests in flight ${rollback.drainWaitMs} ms after the shift` };
  const took = rollback.drainedAtMs - rollback.detectedAtMs;
  if (took > p.rollbackLimit) return { met: false, why: `rolled back by ${want}, but all traffic reached the baseline ${took.toFixed(0)} ms after detection, over the ${p.rollbackLimit} ms limit` };
  return { met: true, why: `rolled back by ${want}, as expected, ${took.toFixed(1)} ms from detection to all traffic on the baseline` };
}

export function summarise(input: CanarySummaryInput): { metrics: Metrics; unmeasured: Record<string, string>; expectation: { met: boolean; why: string } } {
  const out = metricWriter(CANARY_METRICS, sideMetrics(input.candidate, input.candidateRssPeak));
  const unmeasured: Record<string, string> = {};
  const { outcome, rollback, losses } = input;
  out.set('canary.promoted', outcome === 'promoted' ? 1 : 0);
  out.set('canary.rolled_back', outcome === 'rolled-back' ? 1 : 0);
  out.set('canary.paused', outcome === 'paused' ? 1 : 0);
  out.set('canary.weight.max', input.maxWeight / 100);
  out.set('canary.intervals', input.intervals.length);
  out.set('canary.intervals.passed', input.intervals.filter((i) => i.verdict === 'passed').length);
  out.set('canary.intervals.failed', input.intervals.filter((i) => i.verdict === 'failed').length);
  out.set('canary.intervals.inconclusive', input.intervals.filter((i) => i.verdict === 'inconclusive').length);
  out.set('canary.time_scale', input.p.timeScale);
  out.set('triggers.fired', rollback?.triggers.length ?? 0);
  const expectation = expectationMet(input);
  out.set('expectation.met', expectation.met ? 1 : 0);
  const rollbackMetrics: Name[] = ['rollback.detection', 'rollback.shift', 'rollback.duration', 'rollback.lost', 'rollback.inflight', 'rollback.inflight.failed'];
  if (rollback && losses) {
    out.set('rollback.detection', Math.max(0, rollback.detectedAtMs - rollback.onsetMs));
    out.set('rollback.shift', rollback.shiftedAtMs - rollback.detectedAtMs);
    if (rollback.drainedAtMs !== undefined) out.set('rollback.duration', rollback.drainedAtMs - rollback.detectedAtMs);
    else unmeasured['rollback.duration'] = `requests were still in flight on the candidate ${rollback.drainWaitMs} ms after the shift`;
    out.set('rollback.lost', losses.lost);
    out.set('rollback.inflight', rollback.inflight);
    out.set('rollback.inflight.failed', losses.inflightFailed);
  } else for (const m of rollbackMetrics) unmeasured[m] = outcome === 'promoted' ? 'no rollback: the candidate was promoted' : 'no rollback happened';
  out.set('memory.limit', input.memoryLimitBytes);
  out.put('load.capacity.rps', input.capacityRps);
  out.put('load.rate', input.rate);
  const l = input.load;
  const errors = errorTotal(l.errors);
  out.set('load.requests.sent', l.sent);
  out.set('load.requests.answered', l.answered);
  out.set('load.errors.total', errors);
  out.put('load.errors.rate', l.sent > 0 ? errors / l.sent : undefined);
  out.set('load.errors.lost', l.errors.lost);
  out.set('load.errors.unanswered', l.errors.unanswered);
  return { metrics: out.metrics, unmeasured, expectation };
}
