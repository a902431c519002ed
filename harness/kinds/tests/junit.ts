// JUnit XML as the common test runners write it, read into counts:
//   - vitest (--reporter=junit): <testsuites><testsuite per file><testcase>, <skipped/>, <failure>;
//   - pytest (--junitxml): <testsuites><testsuite name="pytest">, <skipped>, <failure>, <error>
//     (errors in fixtures and collection are <error> on a testcase);
//   - cargo nextest (junit profile): <testsuites><testsuite per binary>, <failure>, and retries as
//     <flakyFailure>/<rerunFailure> (a test that passed on a retry is flaky, not failed);
//   - jest (jest-junit): <testsuites><testsuite per file>, <skipped/>, <failure>;
//   - Ant/Surefire style: <testsuite> at the root, or suites nested in suites.
// A suite whose failures/errors attributes count more than its test cases show (a file that failed
// to load, reported with no testcase) adds those as failed tests, so they cannot vanish.
import { ReportError } from './report-error.ts';
import { attr, children, has, numberAttr, parseXml, text, type XmlNode } from './xml.ts';

export interface FailedTest {
  name: string;
  /** failure (an assertion), error (an exception, a fixture), or suite (no testcase: the suite itself failed). */
  kind: 'failure' | 'error' | 'suite';
  message: string;
}

export interface JunitSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Passed on a retry after failing (nextest flakyFailure, Surefire flakyFailure/flakyError). */
  flaky: number;
  failures: FailedTest[];
  suites: number;
}

const LISTS = ['testsuites', 'testsuite', 'testcase', 'failure', 'error', 'skipped', 'flakyFailure', 'flakyError', 'rerunFailure', 'rerunError'];
const MESSAGE_CHARS = 500;

function message(node: XmlNode): string {
  const parts = [attr(node, 'message'), text(node)?.trim(), attr(node, 'type')].filter((p): p is string => p !== undefined && p !== '');
  const joined = parts[0] ?? '(no message)';
  return joined.length > MESSAGE_CHARS ? `${joined.slice(0, MESSAGE_CHARS)}…` : joined;
}

function caseName(suite: string | undefined, testcase: XmlNode): string {
  const name = attr(testcase, 'name') ?? '(unnamed)';
  const cls = attr(testcase, 'classname');
  const prefix = cls ?? suite;
  return prefix && prefix !== name ? `${prefix} > ${name}` : name;
}

interface Tally {
  cases: number;
  failed: number;
}

function walkSuite(suite: XmlNode, into: JunitSummary): Tally {
  const name = attr(suite, 'name');
  const tally: Tally = { cases: 0, failed: 0 };
  into.suites++;
  for (const testcase of children(suite, 'testcase')) {
    tally.cases++;
    const failure = children(testcase, 'failure')[0];
    const error = children(testcase, 'error')[0];
    if (failure || error) {
      tally.failed++;
      into.failed++;
      into.failures.push({ name: caseName(name, testcase), kind: failure ? 'failure' : 'error', message: message((failure ?? error)!) });
    } else if (has(testcase, 'skipped') || attr(testcase, 'status') === 'skipped') {
      into.skipped++;
    } else {
      into.passed++;
      if (has(testcase, 'flakyFailure') || has(testcase, 'flakyError')) into.flaky++;
    }
  }
  for (const nested of children(suite, 'testsuite')) {
    const inner = walkSuite(nested, into);
    tally.cases += inner.cases;
    tally.failed += inner.failed;
  }
  // Failures the suite declares beyond those of its cases: it failed without a testcase to show.
  const declared = (numberAttr(suite, 'failures') ?? 0) + (numberAttr(suite, 'errors') ?? 0);
  const unaccounted = declared - tally.failed;
  if (unaccounted > 0) {
    const systemErr = children(suite, 'system-err')[0] ?? children(suite, 'system-out')[0];
    for (let i = 0; i < unaccounted; i++) {
      into.failures.push({ name: name ?? '(unnamed suite)', kind: 'suite', message: systemErr ? message(systemErr) : 'the suite reports a failure or error that no testcase shows' });
    }
    into.failed += unaccounted;
    tally.failed += unaccounted;
    tally.cases += unaccounted;
  }
  return tally;
}

export function parseJunit(file: string, content: string): JunitSummary {
  const root = parseXml(file, content, LISTS);
  const tops = [...children(root, 'testsuites').flatMap((s) => children(s, 'testsuite')), ...children(root, 'testsuite')];
  if (children(root, 'testsuites').length === 0 && tops.length === 0) {
    const element = Object.keys(root).find((k) => !k.startsWith('?'));
    throw new ReportError(file, `not a JUnit report: the root element is <${element ?? '(none)'}>, not <testsuites> or <testsuite>`);
  }
  const summary: JunitSummary = { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0, failures: [], suites: 0 };
  for (const suite of tops) walkSuite(suite, summary);
  summary.total = summary.passed + summary.failed + summary.skipped;
  return summary;
}

/** Sums the summaries of several report files (a glob that matched one file per test binary). */
export function addJunit(a: JunitSummary, b: JunitSummary): JunitSummary {
  return {
    total: a.total + b.total,
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped,
    flaky: a.flaky + b.flaky,
    failures: [...a.failures, ...b.failures],
    suites: a.suites + b.suites,
  };
}
