// Suite kind → runner. Kinds listed in harness/kinds.ts without a runner here are "not implemented".
import { runAccuracy } from './accuracy/runner.ts';
import { runBench } from './bench/runner.ts';
import { runLoad } from './load/runner.ts';
import { runMemory } from './memory/runner.ts';
import { runRetrieval } from './retrieval/runner.ts';
import type { Runner } from './runner.ts';
import { runSwarmSuite } from './swarm/runner.ts';

export const RUNNERS: Record<string, Runner> = {
  accuracy: runAccuracy,
  bench: runBench,
  load: runLoad,
  memory: runMemory,
  retrieval: runRetrieval,
  swarm: runSwarmSuite,
};
