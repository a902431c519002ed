// The suite kind `load`.
import { defineKind } from '../kind.ts';
import { CEILING_METRICS, LOAD_METRICS } from './metrics.ts';
import { LOAD_PARAMS } from './params.ts';

export const load = defineKind({
  name: 'load',
  description:
    'autocannon against the embedder server: sequential, closed model, open model (coordinated omission corrected), overload and recovery, beside the in-process ceiling and the compare target',
  params: LOAD_PARAMS,
  metrics: LOAD_METRICS,
  ceilingMetrics: CEILING_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runLoad),
});
