// A fault suite window's metrics from its load phase.
import type { PhaseResult } from '../../http-client/phase.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { putLoadWindow } from '../server-side/load-window.ts';
import { FAULT_WINDOW_METRICS } from './metrics.ts';

export function windowMetrics(r: PhaseResult): Metrics {
  const out = metricWriter(FAULT_WINDOW_METRICS);
  putLoadWindow(out, r);
  out.set('responses.invalid', r.invalid.total);
  out.set('responses.rewritten.caught', r.rewritten?.caught ?? 0);
  return out.metrics;
}
