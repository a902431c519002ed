// Suite kind → runner. Kinds listed in harness/kinds.ts without a runner here are "not implemented".
import { runAccuracy } from './accuracy.ts';
import { runBench } from './bench.ts';
import { runLoad } from './load.ts';
import { runMemory } from './memory.ts';
import { runRetrieval } from './retrieval.ts';
import type { Runner } from './runner.ts';
import { runSwarmSuite } from './swarm.ts';

export const RUNNERS: Record<string, Runner> = {
  accuracy: runAccuracy,
  bench: runBench,
  load: runLoad,
  memory: runMemory,
  retrieval: runRetrieval,
  swarm: runSwarmSuite,
};
