// One analysis interval as a window: the load generator's own figures for the slice (every
// request accounted for) beside each side's figures from the router for the same span, so a
// report's time series shows the steps and what each side did in them.
import type { PhaseResult } from '../../http-client/phase.ts';
import { percentileOfSorted, median } from '../../metrics/statistics.ts';
import type { SideSummary } from '../../canary/side-ledger.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { putLoadWindow } from '../server-side/load-window.ts';
import { CANARY_WINDOW_METRICS } from './metrics.ts';

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

export function windowMetrics(r: PhaseResult, weightPercent: number, candidate: SideSummary, baseline: SideSummary, candidateRss: number | undefined, ratio: number | undefined): Metrics {
  const out = metricWriter(CANARY_WINDOW_METRICS);
  putLoadWindow(out, r);
  out.set('canary.weight', weightPercent / 100);
  out.set('candidate.requests', candidate.ended);
  out.put('candidate.errors.rate', candidate.ended > 0 ? candidate.errors / candidate.ended : undefined);
  const c = sorted(candidate.latencies);
  const b = sorted(baseline.latencies);
  if (c.length) {
    out.set('candidate.latency.p50', median(c));
    out.set('candidate.latency.p95', percentileOfSorted(c, 95));
  }
  out.set('candidate.responses.invalid', candidate.invalid);
  out.put('candidate.memory.rss', candidateRss);
  out.set('stable.requests', baseline.ended);
  if (b.length) {
    out.set('stable.latency.p50', median(b));
    out.set('stable.latency.p95', percentileOfSorted(b, 95));
  }
  out.put('latency.ratio', ratio);
  return out.metrics;
}
