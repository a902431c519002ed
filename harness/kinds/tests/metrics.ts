// What a tests suite measures: the counts of the JUnit report, the ratios of the coverage report,
// and the command's exit code and duration.
import { metric as m, type MetricCatalog } from '../catalog.ts';

export const TESTS_METRICS = {
  'tests.total': m('count', 'test cases in the JUnit report (a suite that failed with no test case counts as one failed test)'),
  'tests.passed': m('count', 'test cases that passed (a flaky one that passed on a retry included)'),
  'tests.failed': m('count', 'test cases with a <failure> or an <error>, and suites that failed with no test case'),
  'tests.skipped': m('count', 'test cases skipped (skip, todo, ignored)'),
  'tests.flaky': m('count', 'test cases that failed, then passed on a retry (nextest, Surefire)'),
  'coverage.lines': m('ratio', 'share of the lines the coverage report counts that ran'),
  'coverage.branches': m('ratio', 'share of the branches the coverage report counts that were taken'),
  'coverage.functions': m('ratio', 'share of the functions the coverage report counts that were called'),
  'command.exit_code': m('count', "the test command's exit code (128 + N when killed by signal N); checked == 0 by default"),
  'command.duration': m('ms', 'how long the test command ran'),
} as const satisfies MetricCatalog;
