// The suite kind `memory`.
import { defineKind } from '../kind.ts';
import { MEMORY_METRICS, MEMORY_WINDOW_METRICS } from './metrics.ts';
import { MEMORY_PARAMS } from './params.ts';

export const memory = defineKind({
  name: 'memory',
  description: 'leak detection (sustained growth of anonymous RSS and V8 heap per request across windows: a robust slope with an interval, still growing at the end), heap snapshots on suspicion, cold start',
  params: MEMORY_PARAMS,
  metrics: MEMORY_METRICS,
  windowMetrics: MEMORY_WINDOW_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runMemory),
});
