// Target against compare target, round by round: closed rounds ran back to back (A B A B), so each
// pair was measured under the same conditions, and the median over pairs resists one bad round.
import type { PhaseResult } from '../../http-client/phase.ts';
import { median } from '../../metrics/statistics.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { LOAD_METRICS } from './metrics.ts';

/** Against the compare target (`…vs_baseline`), or against the reference server (`…vs_reference`). */
export function pairRatios(target: readonly PhaseResult[], compare: readonly PhaseResult[], against: 'baseline' | 'reference' = 'baseline'): Metrics {
  const n = Math.min(target.length, compare.length);
  const out = metricWriter(LOAD_METRICS);
  if (n === 0) return out.metrics;
  const pairs = Array.from({ length: n }, (_, i) => [target[i]!, compare[i]!] as const);
  const p95 = pairs.map(([t, c]) => t.latency.percentileMs(95) / c.latency.percentileMs(95)).filter(Number.isFinite);
  const rps = pairs.map(([t, c]) => t.throughputRps / c.throughputRps).filter(Number.isFinite);
  if (p95.length) {
    out.set(`latency.p95.vs_${against}`, median(p95));
    if (against === 'baseline') out.set('latency.p95.vs_baseline.worst', Math.max(...p95));
  }
  if (rps.length) out.set(`throughput.rps.vs_${against}`, median(rps));
  return out.metrics;
}
