// The suite kind `memory`.
import { defineKind } from '../kind.ts';
import { MEMORY_METRICS } from './metrics.ts';
import { MEMORY_PARAMS } from './params.ts';

export const memory = defineKind({
  name: 'memory',
  description: 'leak detection (slope of anonymous RSS and V8 heap per request, with an interval), heap snapshots on suspicion, cold start',
  params: MEMORY_PARAMS,
  metrics: MEMORY_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runMemory),
});
