// The suite kind `accuracy`.
import { defineKind } from '../kind.ts';
import { ACCURACY_METRICS } from './metrics.ts';
import { ACCURACY_PARAMS } from './params.ts';

export const accuracy = defineKind({
  name: 'accuracy',
  description: 'embedding fidelity: cosine of target vectors against recorded golden vectors',
  params: ACCURACY_PARAMS,
  metrics: ACCURACY_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runAccuracy),
});
