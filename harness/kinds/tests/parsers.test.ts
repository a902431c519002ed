// The report parsers on files as the tools write them (samples/: vitest and pytest files written by
// those tools, nextest and jest files in their documented layout), and their errors on broken ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCoverage } from './coverage.ts';
import { parseJunit } from './junit.ts';
import { ReportError } from './report-error.ts';

const SAMPLES = fileURLToPath(new URL('./samples/', import.meta.url));
const sample = (name: string) => readFileSync(join(SAMPLES, name), 'utf8');
const junit = (name: string) => parseJunit(name, sample(name));
const coverage = (name: string) => parseCoverage(name, sample(name), 'auto');

function reportError(fn: () => unknown): ReportError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ReportError) return err;
    throw err;
  }
  throw new Error('expected a ReportError');
}

describe('JUnit', () => {
  it('vitest: a file that failed to import is a failed test, skip and todo are skipped', () => {
    const s = junit('vitest-junit.xml');
    expect(s).toMatchObject({ total: 5, passed: 1, failed: 2, skipped: 2, flaky: 0 });
    expect(s.failures.map((f) => f.name)).toEqual(['broken.test.js', 'math.test.js > add > fails']);
    expect(s.failures[0]!.message).toMatch(/Cannot find module '.\/does-not-exist.js'/);
  });

  it('pytest: a fixture error counts as failed beside the assertion failure', () => {
    const s = junit('pytest-junit.xml');
    expect(s).toMatchObject({ total: 6, passed: 3, failed: 2, skipped: 1 });
    expect(s.failures).toEqual([
      { name: 'test_sample > test_fails', kind: 'failure', message: expect.stringMatching(/^AssertionError: vectors differ/) },
      { name: 'test_sample > test_error', kind: 'error', message: expect.stringMatching(/fixture could not open the model/) },
    ]);
  });

  it('nextest: a test that passed on a retry is passed and flaky; one that failed every retry is failed', () => {
    const s = junit('nextest-junit.xml');
    expect(s).toMatchObject({ total: 4, passed: 3, failed: 1, skipped: 0, flaky: 1, suites: 2 });
    expect(s.failures[0]).toMatchObject({ name: 'embedder > tests::rejects_nan_weights', kind: 'failure' });
    expect(s.failures[0]!.message).toMatch(/assertion failed: err.is_some\(\)/);
  });

  it('jest: a suite that failed to run, with no test case, counts as one failed test', () => {
    const s = junit('jest-junit.xml');
    expect(s).toMatchObject({ total: 5, passed: 2, failed: 2, skipped: 1 });
    expect(s.failures.map((f) => [f.name, f.kind])).toEqual([
      ['embed rejects an empty input', 'failure'],
      ['src/broken.test.ts', 'suite'],
    ]);
    expect(s.failures[1]!.message).toMatch(/Test suite failed to run/);
  });

  it('reads a <testsuite> root and suites nested in suites', () => {
    const s = parseJunit('x.xml', '<testsuite name="outer" failures="1"><testsuite name="inner" failures="1"><testcase name="a"><failure message="boom"/></testcase><testcase name="b"/></testsuite><testcase name="c"><skipped/></testcase></testsuite>');
    // The outer suite's failures="1" is the inner one's failure, not another.
    expect(s).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1, suites: 2 });
    expect(s.failures).toEqual([{ name: 'inner > a', kind: 'failure', message: 'boom' }]);
  });

  it('a malformed file is an error naming its line and column', () => {
    const e = reportError(() => parseJunit('junit.xml', '<?xml version="1.0"?>\n<testsuites>\n  <testsuite name="a">\n    <testcase name="x">\n  </testsuite>\n</testsuites>\n'));
    expect(e.message).toMatch(/^junit\.xml:5:\d+: not well-formed XML: .+/);
    expect(e.line).toBe(5);
  });

  it('a truncated file is an error, not a partial count', () => {
    const text = sample('pytest-junit.xml');
    expect(reportError(() => parseJunit('cut.xml', text.slice(0, text.length / 2))).message).toMatch(/^cut\.xml:\d+:\d+: not well-formed XML/);
  });

  it('XML that is not JUnit says what its root element is', () => {
    expect(reportError(() => parseJunit('cov.xml', sample('vitest-cobertura.xml'))).message).toBe('cov.xml: not a JUnit report: the root element is <coverage>, not <testsuites> or <testsuite>');
  });
});

describe('coverage', () => {
  it('lcov from vitest: lines, branches and functions from DA, BRDA and FNDA', () => {
    expect(coverage('vitest-lcov.info')).toMatchObject({ format: 'lcov', lines: { covered: 1, total: 3 }, branches: { covered: 0, total: 2 }, functions: { covered: 1, total: 2 } });
  });

  it('lcov from cargo llvm-cov without --branch: no branches counted, two files', () => {
    const s = coverage('llvm-cov.info');
    expect(s).toMatchObject({ lines: { covered: 5, total: 8 }, functions: { covered: 2, total: 3 }, branches: { covered: 0, total: 0 } });
    expect(s.files.map((f) => f.file)).toEqual(['/src/embedder/src/lib.rs', '/src/embedder/src/pool.rs']);
  });

  it('lcov: a file in two records (two runs appended) is merged line by line', () => {
    const run = (hit: number) => `SF:a.ts\nDA:1,1\nDA:2,${hit}\nend_of_record\n`;
    expect(parseCoverage('m.info', run(0) + run(3), 'lcov').lines).toEqual({ covered: 2, total: 2 });
  });

  it('Cobertura from vitest (with a DOCTYPE) and from coverage.py (no methods: no function coverage)', () => {
    expect(coverage('vitest-cobertura.xml')).toMatchObject({ format: 'cobertura', lines: { covered: 1, total: 3 }, branches: { covered: 0, total: 2 }, functions: { covered: 1, total: 2 } });
    const py = coverage('coveragepy-cobertura.xml');
    expect(py).toMatchObject({ format: 'cobertura', lines: { covered: 8, total: 10 }, branches: { covered: 3, total: 4 } });
    expect(py.functions).toBeUndefined();
  });

  it('istanbul json-summary from vitest', () => {
    expect(coverage('vitest-coverage-summary.json')).toMatchObject({ format: 'json-summary', lines: { covered: 1, total: 3 }, branches: { covered: 0, total: 2 }, functions: { covered: 1, total: 2 } });
  });

  it('a format named in the suite wins over the content, and a wrong one says so', () => {
    expect(reportError(() => parseCoverage('c.json', sample('vitest-coverage-summary.json'), 'lcov')).message).toMatch(/^c\.json:1: not an lcov line/);
  });

  it('malformed lcov: the file and line of the bad entry', () => {
    expect(reportError(() => parseCoverage('lcov.info', 'TN:\nSF:a.ts\nDA:1,1\nDA:two,1\nend_of_record\n', 'auto')).message).toBe('lcov.info:4: malformed DA entry "DA:two,1": expected 2 comma-separated numbers');
    expect(reportError(() => parseCoverage('lcov.info', 'SF:a.ts\nDA:1,1\nSF:b.ts\n', 'auto')).message).toBe('lcov.info:3: SF:b.ts opens a record before the previous one (a.ts) ended with end_of_record');
    expect(reportError(() => parseCoverage('lcov.info', 'SF:a.ts\nDA:1,1\n', 'auto')).message).toMatch(/^lcov\.info:\d+: the record of a\.ts opened at line 1 never ends .*truncated/);
  });

  it('malformed json-summary and Cobertura: where it broke', () => {
    expect(reportError(() => parseCoverage('s.json', '{"total": {"lines": {"total": 3\n "covered": 1}}}', 'auto')).message).toMatch(/^s\.json:2: not valid JSON/);
    expect(reportError(() => parseCoverage('s.json', '{"total": {"lines": {"total": 3, "covered": 4}}}', 'auto')).message).toMatch(/total\.lines must be \{ total, covered \} with 0 <= covered <= total/);
    expect(reportError(() => parseCoverage('c.xml', '<coverage>\n<packages>\n</coverage>', 'auto')).message).toMatch(/^c\.xml:3:\d+: not well-formed XML/);
  });

  it('content of no known format says what it starts with', () => {
    expect(reportError(() => parseCoverage('x.txt', 'hello', 'auto')).message).toMatch(/cannot tell the coverage format: it starts with "hello"/);
  });
});
