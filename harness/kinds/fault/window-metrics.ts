// A fault suite window's metrics from its load phase.
import { errorTotal, type PhaseResult } from '../../http-client/phase.ts';
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
  out.set('responses.rewritten.caught', r.rewritten?.caught ?? 0);
  const lat = r.corrected ?? r.latency;
  out.putAll(lat.toMetrics(''));
  return out.metrics;
}
