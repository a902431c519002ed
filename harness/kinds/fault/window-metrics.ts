// A window's metrics from its load phase, and the request accounting summed over many windows.
import { errorTotal, type ErrorCounts, type PhaseResult } from '../../http-client/phase.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { FAULT_WINDOW_METRICS } from './metrics.ts';

export function windowMetrics(r: PhaseResult): Metrics {
  const out = metricWriter(FAULT_WINDOW_METRICS);
  const errors = errorTotal(r.errors);
  out.set('requests.sent', r.sent);
  out.set('requests.answered', r.answered);
  out.set('throughput.rps', r.throughputRps);
  out.set('errors.total', errors);
  // Nothing sent in a window (the generator could not connect at all) is no evidence of health.
  out.put('errors.rate', r.sent > 0 ? errors / r.sent : undefined);
  out.set('errors.lost', r.errors.lost);
  out.set('errors.unanswered', r.errors.unanswered);
  out.set('responses.invalid', r.invalid.total);
  const lat = r.corrected ?? r.latency;
  out.putAll(lat.toMetrics(''));
  return out.metrics;
}

export interface Tally {
  sent: number;
  answered: number;
  checked: number;
  invalid: number;
  invalidByReason: Record<string, number>;
  errors: ErrorCounts;
}

export const emptyTally = (): Tally => ({ sent: 0, answered: 0, checked: 0, invalid: 0, invalidByReason: {}, errors: { status: 0, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0 } });

export function addToTally(t: Tally, r: PhaseResult): void {
  t.sent += r.sent;
  t.answered += r.answered;
  t.checked += r.checked;
  t.invalid += r.invalid.total;
  for (const [reason, n] of Object.entries(r.invalid.byReason)) t.invalidByReason[reason] = (t.invalidByReason[reason] ?? 0) + (n ?? 0);
  for (const k of Object.keys(t.errors) as (keyof ErrorCounts)[]) t.errors[k] += r.errors[k];
}
