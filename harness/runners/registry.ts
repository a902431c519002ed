// Suite kind → runner. Kinds listed in harness/kinds.ts without a runner here are "not implemented".
import { runAccuracy } from './accuracy.ts';
import { runBench } from './bench.ts';
import type { Runner } from './runner.ts';

export const RUNNERS: Record<string, Runner> = {
  accuracy: runAccuracy,
  bench: runBench,
};
