// The tests suite kind: runs the embedder's own test command, then reads the JUnit report and the
// coverage report it wrote into metrics. A report that is missing, stale, empty or malformed
// leaves its metrics unmeasured with the reason, so checks on them are inconclusive, never a
// pass; the exit code is always measured, so a command that failed before writing any report
// fails its `command.exit_code == 0` check, with the command's last output in the details.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { metricWriter } from '../catalog.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import { runCommand, type CommandResult } from './command.ts';
import { parseCoverage } from './coverage.ts';
import type { Counted, CoverageSummary } from './coverage-summary.ts';
import { addJunit, parseJunit, type JunitSummary } from './junit.ts';
import { TESTS_METRICS } from './metrics.ts';
import type { TestsParams } from './params.ts';
import { ReportError } from './report-error.ts';
import { expandReportPath, readFreshReport } from './report-file.ts';

const TEST_METRICS = ['tests.total', 'tests.passed', 'tests.failed', 'tests.skipped', 'tests.flaky'] as const;
const COVERAGE_METRICS = ['coverage.lines', 'coverage.branches', 'coverage.functions'] as const;
const FAILURES_LISTED = 20;
const FILES_LISTED = 10;

const fill = (text: string, out: string) => text.replaceAll('{out}', out);

function readJunit(path: string, since: number): { summary: JunitSummary; files: string[] } {
  const files = expandReportPath(path);
  let summary: JunitSummary | undefined;
  for (const file of files) {
    const one = parseJunit(file, readFreshReport(file, since, 'JUnit report').content);
    summary = summary ? addJunit(summary, one) : one;
  }
  if (summary!.total === 0) throw new ReportError(files.join(', '), 'the JUnit report lists no test case: nothing was tested');
  return { summary: summary!, files };
}

function readCoverage(file: string, format: NonNullable<TestsParams['coverage']>['format'], since: number): CoverageSummary {
  return parseCoverage(file, readFreshReport(file, since, 'coverage report').content, format);
}

const ratio = (c: Counted | undefined) => (c && c.total > 0 ? c.covered / c.total : undefined);

export async function runTests(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, emit, signal } = ctx;
  const p = plan.params as TestsParams;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  const cwd = resolve(dirname(plan.file), p.cwd ?? '.');
  // A fresh folder per run: no report of an earlier run can be read as this one's.
  const out = mkdtempSync(join(tmpdir(), 'embedgate-tests-'));
  const argv = p.command.map((a) => fill(a, out));
  const env = { ...process.env, ...Object.fromEntries(Object.entries(p.env ?? {}).map(([k, v]) => [k, fill(v, out)])) };
  const junitPath = resolve(cwd, fill(p.junit, out));
  const coveragePath = p.coverage ? resolve(cwd, fill(p.coverage.file, out)) : undefined;

  log(`running ${argv.join(' ')} in ${cwd}`);
  emit({ type: 'progress', suite: plan.name, phase: 'test command', done: 0, total: 1 });
  const since = Date.now();
  let result: CommandResult;
  try {
    result = await runCommand({ argv, cwd, env, timeoutMs: p.timeout, tailBytes: p.tailBytes, signal });
  } catch (err) {
    rmSync(out, { recursive: true, force: true });
    throw err;
  }
  const command = { argv, cwd, durationMs: Math.round(result.durationMs), ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}), ...(result.signal ? { signal: result.signal } : {}) };
  const tail = { outputTail: result.tail, ...(result.droppedBytes > 0 ? { outputDroppedBytes: result.droppedBytes } : {}) };

  try {
    if (result.spawnError) throw new Error(`tests suite ${plan.name}: the command could not start: ${result.spawnError}`);
    if (result.stopped) {
      const why = result.stopped === 'timeout' ? `the test command did not finish within ${p.timeout / 1000} s and was stopped` : 'the suite was stopped while the test command ran';
      return { metrics: {}, inconclusive: why, details: { command, ...tail } };
    }
    const w = metricWriter(TESTS_METRICS);
    const unmeasured: Record<string, string> = {};
    w.put('command.exit_code', result.exitCode);
    w.put('command.duration', result.durationMs);
    const details: Record<string, unknown> = { command };

    try {
      const { summary, files } = readJunit(junitPath, since);
      w.put('tests.total', summary.total);
      w.put('tests.passed', summary.passed);
      w.put('tests.failed', summary.failed);
      w.put('tests.skipped', summary.skipped);
      w.put('tests.flaky', summary.flaky);
      details['junit'] = { files, total: summary.total, passed: summary.passed, failed: summary.failed, skipped: summary.skipped, flaky: summary.flaky, suites: summary.suites, failures: summary.failures.slice(0, FAILURES_LISTED), ...(summary.failures.length > FAILURES_LISTED ? { failuresNotListed: summary.failures.length - FAILURES_LISTED } : {}) };
      for (const f of summary.failures.slice(0, FAILURES_LISTED)) log(`failed: ${f.name}: ${f.message.split('\n')[0]}`, 'warn');
      log(`${summary.total} tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
    } catch (err) {
      const reason = reportReason(err, result, 'JUnit report');
      for (const name of TEST_METRICS) unmeasured[name] = reason;
      details['junit'] = { file: junitPath, problem: reason };
      log(reason, 'warn');
    }

    if (coveragePath && p.coverage) {
      try {
        const summary = readCoverage(coveragePath, p.coverage.format, since);
        const parts = { 'coverage.lines': summary.lines, 'coverage.branches': summary.branches, 'coverage.functions': summary.functions } as const;
        for (const name of COVERAGE_METRICS) {
          const value = ratio(parts[name]);
          if (value !== undefined) w.put(name, value);
          else unmeasured[name] = `the ${summary.format} report ${coveragePath} counts no ${name.slice('coverage.'.length)}`;
        }
        const leastCovered = [...summary.files].filter((f) => f.lines.covered < f.lines.total).sort((a, b) => b.lines.total - b.lines.covered - (a.lines.total - a.lines.covered)).slice(0, FILES_LISTED);
        details['coverage'] = { file: coveragePath, format: summary.format, lines: summary.lines, branches: summary.branches, functions: summary.functions, files: summary.files.length, mostLinesUncovered: leastCovered.map((f) => ({ file: f.file, uncovered: f.lines.total - f.lines.covered, of: f.lines.total })) };
      } catch (err) {
        const reason = reportReason(err, result, 'coverage report');
        for (const name of COVERAGE_METRICS) unmeasured[name] = reason;
        details['coverage'] = { file: coveragePath, problem: reason };
        log(reason, 'warn');
      }
    } else {
      for (const name of COVERAGE_METRICS) unmeasured[name] = 'the suite names no coverage report (tests.coverage.file)';
    }

    // The output matters when something went wrong: a failure, a non-zero exit, a missing report.
    if (result.exitCode !== 0 || Object.keys(unmeasured).some((k) => k.startsWith('tests.')) || (w.value('tests.failed') ?? 0) > 0) Object.assign(details, tail);
    if (result.exitCode !== 0) log(`the test command exited ${result.exitCode}${result.signal ? ` (${result.signal})` : ''}`, 'warn');
    return { metrics: w.metrics, ...(Object.keys(unmeasured).length > 0 ? { unmeasured: { self: unmeasured } } : {}), details };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function reportReason(err: unknown, result: CommandResult, what: string): string {
  if (!(err instanceof ReportError)) throw err;
  return result.exitCode !== 0 ? `${err.message} (the command exited ${result.exitCode} before writing a usable ${what})` : err.message;
}
