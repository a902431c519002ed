// The suite kind `tests`.
import { defineKind } from '../kind.ts';
import { TESTS_METRICS } from './metrics.ts';
import { TESTS_PARAMS } from './params.ts';

export const tests = defineKind({
  name: 'tests',
  description: "the embedder's own test command, judged on what it writes: a JUnit XML report (tests passed, failed, skipped) and a coverage report (lcov, Cobertura or istanbul json-summary)",
  params: TESTS_PARAMS,
  metrics: TESTS_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runTests),
});
