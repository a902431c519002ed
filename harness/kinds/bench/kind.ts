// The suite kind `bench`.
import { defineKind } from '../kind.ts';
import { BENCH_METRICS } from './metrics.ts';
import { BENCH_PARAMS } from './params.ts';

export const bench = defineKind({
  name: 'bench',
  description: 'tinybench micro-benchmarks of single and batched embedding',
  params: BENCH_PARAMS,
  metrics: BENCH_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runBench),
});
