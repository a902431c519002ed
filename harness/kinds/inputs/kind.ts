// The suite kind `inputs`.
import { defineKind } from '../kind.ts';
import { INPUTS_METRICS } from './metrics.ts';
import { INPUTS_PARAMS } from './params.ts';

export const inputs = defineKind({
  name: 'inputs',
  description:
    'bad and awkward input end to end: curated and generated (fast-check, seeded) bad HTTP bodies must get a clear error, awkward valid texts a correct answer, broken model files an error naming the file and the reason, and the target must stay alive throughout',
  params: INPUTS_PARAMS,
  metrics: INPUTS_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runInputs),
});
