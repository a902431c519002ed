// End to end: tests suites run by the CLI, each with a real test command in a temp dir — a stand-in
// runner (testing/report-writer.mjs) that writes the JUnit and lcov files it is told to, and one
// real vitest run with @vitest/coverage-v8 on a tiny project. Each shows a way the suite must not
// pass: a failed test, coverage under its threshold, a missing coverage file (inconclusive), a
// command that dies before writing a report (fail, with its output), a stale report left from an
// earlier run, a command that hangs past its timeout.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMisbehavingServer } from '../../http-client/testing/processes.ts';
import type { RunReport, SuiteResult } from '../../result.ts';
import { runCli } from '../../testing/run-cli.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WRITER = fileURLToPath(new URL('./testing/report-writer.mjs', import.meta.url));
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

const children: ChildProcess[] = [];
let work: string;
let target: string;

async function run(files: string[]): Promise<{ code: number | null; output: string; report: RunReport }> {
  const ran = await runCli(['run', ...files], { outUnder: work });
  if (!ran.report) throw new Error(`no report.json written:\n${ran.output}`);
  return { code: ran.code, output: ran.output, report: ran.report };
}

const q = (s: string) => JSON.stringify(s);

function suite(name: string, command: string[], opts: { junit?: string; coverage?: string; extra?: string; checks?: string[] } = {}): string {
  const file = join(work, `${name}.yaml`);
  const checks = opts.checks ?? ['tests.failed == 0', 'tests.passed == tests.total', 'coverage.lines > 95%'];
  writeFileSync(
    file,
    [
      `suite: ${name}`,
      'kind: tests',
      `target: { http: ${q(target)} }`,
      'tests:',
      `  command: [${command.map(q).join(', ')}]`,
      `  junit: ${q(opts.junit ?? '{out}/junit.xml')}`,
      ...(opts.coverage !== undefined ? [`  coverage: { file: ${q(opts.coverage)} }`] : []),
      ...(opts.extra ? [opts.extra] : []),
      'checks:',
      ...checks.map((c) => `  - ${c}`),
      '',
    ].join('\n'),
  );
  return file;
}

const writer = (...args: string[]) => ['node', WRITER, ...args];
const JUNIT = ['--junit', '{out}/junit.xml'];
const LCOV = ['--lcov', '{out}/lcov.info'];
const status = (s: SuiteResult) => Object.fromEntries(s.checks.map((c) => [c.source, c.status]));
const value = (s: SuiteResult, name: string) => s.metrics[name]?.value;
const detail = (s: SuiteResult, check: string) => s.checks.find((c) => c.source === check)?.detail;

/** Alive and not a zombie: a killed process whose parent died stays a zombie where PID 1 does not reap. */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

let suites: Record<string, SuiteResult>;
let code: number | null;
let stalePath: string;
let hangPidFile: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-tests-kind-'));
  target = await spawnMisbehavingServer([], children);
  stalePath = join(work, 'stale-junit.xml');
  writeFileSync(stalePath, '<testsuites><testsuite name="old"><testcase name="passed long ago"/></testsuite></testsuites>');
  const anHourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(stalePath, anHourAgo, anHourAgo);
  hangPidFile = join(work, 'hang.pid');
  const files = [
    suite('clean', writer(...JUNIT, '--pass', '12', '--skip', '0', ...LCOV, '--covered', '98', '--lines', '100'), { coverage: '{out}/lcov.info' }),
    suite('one-failure', writer(...JUNIT, '--pass', '11', '--fail', '1', ...LCOV, '--covered', '98', '--lines', '100', '--exit', '1'), { coverage: '{out}/lcov.info' }),
    suite('low-coverage', writer(...JUNIT, '--pass', '12', ...LCOV, '--covered', '90', '--lines', '100'), { coverage: '{out}/lcov.info' }),
    suite('no-coverage-file', writer(...JUNIT, '--pass', '12'), { coverage: '{out}/lcov.info' }),
    suite('dies-before-report', writer('--say', 'thread main panicked: cannot open fixtures/model.gguf', '--exit', '101'), { coverage: '{out}/lcov.info' }),
    suite('stale-report', writer('--say', 'nothing written'), { junit: stalePath, checks: ['tests.failed == 0'] }),
    suite('hangs', ['sh', '-c', `sleep 60 & echo $! > ${hangPidFile}; wait`], { extra: '  timeout: 1s', checks: ['tests.failed == 0'] }),
  ];
  const result = await run(files);
  code = result.code;
  suites = Object.fromEntries(result.report.suites.map((s) => [s.name, s]));
}, 120_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('tests suites', () => {
  it('pass when every test passed and coverage is over its threshold', () => {
    const s = suites['clean']!;
    expect(s.outcome).toBe('pass');
    expect(value(s, 'tests.total')).toBe(12);
    expect(value(s, 'coverage.lines')).toBeCloseTo(0.98);
    // The exit code is checked by default.
    expect(status(s)['command.exit_code == 0']).toBe('pass');
  });

  it('fail on a report with one failed test, naming it', () => {
    const s = suites['one-failure']!;
    expect(s.outcome).toBe('fail');
    expect(status(s)).toMatchObject({ 'tests.failed == 0': 'fail', 'tests.passed == tests.total': 'fail', 'coverage.lines > 95%': 'pass', 'command.exit_code == 0': 'fail' });
    expect((s.details?.['junit'] as { failures: unknown[] }).failures).toEqual([{ name: 'embed.test.ts > fails 0', kind: 'failure', message: 'expected 768 dimensions, got 767' }]);
  });

  it('fail when coverage is below its threshold', () => {
    const s = suites['low-coverage']!;
    expect(s.outcome).toBe('fail');
    expect(value(s, 'coverage.lines')).toBeCloseTo(0.9);
    expect(status(s)).toMatchObject({ 'tests.failed == 0': 'pass', 'coverage.lines > 95%': 'fail' });
  });

  it('are inconclusive, with the reason, when the coverage file is missing', () => {
    const s = suites['no-coverage-file']!;
    expect(s.outcome).toBe('inconclusive');
    expect(status(s)).toMatchObject({ 'tests.failed == 0': 'pass', 'coverage.lines > 95%': 'inconclusive' });
    expect(s.reason).toBe('1 check could not be judged: coverage.lines > 95%');
    expect(detail(s, 'coverage.lines > 95%')).toMatch(/lcov\.info: the coverage report does not exist: the command did not write it/);
  });

  it('fail when the command exits non-zero before writing any report, with its last output', () => {
    const s = suites['dies-before-report']!;
    expect(s.outcome).toBe('fail');
    expect(value(s, 'command.exit_code')).toBe(101);
    expect(status(s)).toMatchObject({ 'command.exit_code == 0': 'fail', 'tests.failed == 0': 'inconclusive' });
    expect(s.details?.['outputTail']).toContain('thread main panicked: cannot open fixtures/model.gguf');
    expect(detail(s, 'tests.failed == 0')).toMatch(/junit\.xml: the JUnit report does not exist: the command did not write it \(the command exited 101/);
  });

  it('never read a report left over from an earlier run as this run\'s result', () => {
    const s = suites['stale-report']!;
    expect(s.outcome).toBe('inconclusive');
    expect(value(s, 'tests.total')).toBeUndefined();
    expect(detail(s, 'tests.failed == 0')).toMatch(/stale-junit\.xml: the JUnit report was last written at .*, before this run's command started: it is left over from an earlier run/);
  });

  it('stop a command that runs past its timeout, with the processes it started, and are inconclusive', () => {
    const s = suites['hangs']!;
    expect(s.outcome).toBe('inconclusive');
    expect(s.reason).toMatch(/did not finish within 1 s and was stopped/);
    const pid = Number(readFileSync(hangPidFile, 'utf8'));
    expect(running(pid)).toBe(false);
  });

  it('make the run fail (exit 1)', () => {
    expect(code).toBe(1);
  });
});

describe('a real vitest run with @vitest/coverage-v8', () => {
  it('is read into counts and coverage ratios', async () => {
    const project = mkdtempSync(join(work, 'vitest-project-'));
    writeFileSync(join(project, 'package.json'), '{"type":"module"}');
    writeFileSync(join(project, 'norm.js'), 'export function norm(v) {\n  let s = 0;\n  for (const x of v) s += x * x;\n  return Math.sqrt(s);\n}\nexport function unit(v) {\n  const n = norm(v);\n  if (n === 0) {\n    throw new Error("zero vector");\n  }\n  return v.map((x) => x / n);\n}\n');
    writeFileSync(join(project, 'norm.test.js'), 'import { expect, it } from "vitest";\nimport { norm, unit } from "./norm.js";\nit("norm", () => expect(norm([3, 4])).toBe(5));\nit("unit", () => expect(norm(unit([3, 4]))).toBeCloseTo(1));\nit.skip("on a GPU", () => {});\n');
    const file = suite('vitest-real', ['node', VITEST, 'run', '--root', '.', '--reporter=junit', '--outputFile={out}/junit.xml', '--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=lcov', '--coverage.reportsDirectory={out}/coverage'], {
      coverage: '{out}/coverage/lcov.info',
      extra: `  cwd: ${q(project)}`,
      checks: ['tests.failed == 0', 'tests.passed == tests.total', 'coverage.lines > 95%', 'coverage.functions == 100%'],
    });
    const { report } = await run([file]);
    const s = report.suites[0]!;
    expect({ total: value(s, 'tests.total'), passed: value(s, 'tests.passed'), skipped: value(s, 'tests.skipped') }).toEqual({ total: 3, passed: 2, skipped: 1 });
    // The zero-vector branch never ran: 6 of 7 lines, 1 of 2 branches; the skipped test fails tests.passed == tests.total.
    expect(value(s, 'coverage.lines')).toBeCloseTo(6 / 7);
    expect(value(s, 'coverage.branches')).toBe(0.5);
    expect(value(s, 'coverage.functions')).toBe(1);
    expect(status(s)).toMatchObject({ 'tests.failed == 0': 'pass', 'tests.passed == tests.total': 'fail', 'coverage.lines > 95%': 'fail', 'coverage.functions == 100%': 'pass' });
  }, 90_000);
});
