// The suite kind `swarm`.
import { defineKind } from '../kind.ts';
import { checkSwarmParams } from './check-params.ts';
import { SWARM_METRICS } from './metrics.ts';
import { SWARM_PARAMS } from './params.ts';

export const swarm = defineKind({
  name: 'swarm',
  description: 'deterministic simulated agent swarm: heartbeats, reassignment, consensus, faults and rollback triggers, checked by invariants',
  params: SWARM_PARAMS,
  metrics: SWARM_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runSwarmSuite),
  checkParams: checkSwarmParams,
});
