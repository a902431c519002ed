// The suite kind `soak`.
import { defineKind } from '../kind.ts';
import { SOAK_METRICS, SOAK_WINDOW_METRICS } from './metrics.ts';
import { SOAK_PARAMS } from './params.ts';

export const soak = defineKind({
  name: 'soak',
  description:
    'long run at a steady share of measured capacity, cut into windows reported as they close: latency variation across windows, availability with every request counted, memory growth by the window leak verdict, cache hit rate, worker restarts, the harness’s own RSS',
  params: SOAK_PARAMS,
  metrics: SOAK_METRICS,
  windowMetrics: SOAK_WINDOW_METRICS,
  // Its whole point is to run long: a day, and time to start and report.
  timeoutMs: 25 * 3_600_000,
  runner: () => import('./runner.ts').then((m) => m.runSoak),
});
