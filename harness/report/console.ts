// The live console: a line per suite start and end, each check with its detail, throttled
// progress for long suites, and the final verdict. Live lines go to stderr so stdout carries only
// the verdict block (scripts can capture it). Plain lines, no colours, when the stream is not a
// TTY (CI logs) or NO_COLOR is set.
import { relative, isAbsolute } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import type { LogEvent, ProgressEvent, SuiteEndEvent, SuiteStartEvent, WindowEvent } from '../events.ts';
import type { CheckStatus, RunReport, SuiteOutcome, Verdict } from '../result.ts';
import { formatMs } from '../format.ts';
import { windowSpan } from '../gates/windows.ts';
import { CHECK_SYMBOL, OUTCOME_SYMBOL, describeExitCode } from './format.ts';
import type { Reporter } from './reporter.ts';

/** The part of a stream the console needs; a fake in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ConsoleReporterOptions {
  /** The final verdict block. Default process.stdout. */
  out?: OutputStream;
  /** Live lines: suites, checks, progress, logs. Default process.stderr. */
  err?: OutputStream;
  env?: Record<string, string | undefined>;
  /** Also show info and debug logs. */
  verbose?: boolean;
  /** Suites shorter than this show no progress. */
  progressAfterMs?: number;
  /** Least time between two progress lines of a suite; default 250 ms on a TTY, 10 s otherwise. */
  progressEveryMs?: number;
  cwd?: string;
}

/** NO_COLOR (no-color.org) wins, then FORCE_COLOR, then whether the stream is a terminal. */
export function colorLevel(stream: OutputStream, env: Record<string, string | undefined>): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR) return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    const level = force === 'true' ? 1 : Number(force);
    return level >= 3 ? 3 : level >= 2 ? 2 : level >= 1 ? 1 : 0;
  }
  return stream.isTTY ? 1 : 0;
}

export function createConsoleReporter(options: ConsoleReporterOptions = {}): Reporter {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const env = options.env ?? process.env;
  const c = new Chalk({ level: colorLevel(err, env) });
  const cOut = new Chalk({ level: colorLevel(out, env) });
  const tty = Boolean(err.isTTY);
  const progressAfterMs = options.progressAfterMs ?? 3000;
  const progressEveryMs = options.progressEveryMs ?? (tty ? 250 : 10_000);
  const suiteStart = new Map<string, number>();
  const lastProgress = new Map<string, number>();
  const printedErrors = new Set<string>();
  let statusLineOpen = false;
  let printedVerdict = false;

  // On a TTY the progress line is rewritten in place; any other line first clears it.
  const line = (text: string): void => {
    if (statusLineOpen) err.write('\r\x1b[2K');
    statusLineOpen = false;
    err.write(text + '\n');
  };

  const colorCheck = (ch: ChalkInstance, status: CheckStatus | SuiteOutcome, text: string): string =>
    status === 'pass' ? ch.green(text) : status === 'fail' || status === 'error' ? ch.red(text) : ch.yellow(text);

  return {
    name: 'console',

    onRunStart(e) {
      const what = e.gate ? `gate ${e.gate.number} (${e.gate.title})` : 'run';
      line(c.bold(`embedgate ${what}: ${e.suites.length} suite${e.suites.length === 1 ? '' : 's'}, run ${e.runId}`));
    },

    onSuiteStart(e: SuiteStartEvent) {
      suiteStart.set(e.suite, Date.parse(e.time));
      line(`${c.cyan('▶')} ${c.bold(e.suite)} ${c.dim(`(${e.kind}) on ${e.target.ref}`)}`);
    },

    onProgress(e: ProgressEvent) {
      const now = Date.parse(e.time);
      const started = suiteStart.get(e.suite) ?? now;
      if (now - started < progressAfterMs) return;
      if (now - (lastProgress.get(e.suite) ?? -Infinity) < progressEveryMs) return;
      lastProgress.set(e.suite, now);
      const pct = e.total > 0 ? ` (${Math.floor((100 * e.done) / e.total)}%)` : '';
      const text = `  … ${e.suite} ${e.phase} ${e.done}/${e.total}${pct}, ${formatMs(now - started)}`;
      if (tty) {
        err.write(`\r\x1b[2K${c.dim(text)}`);
        statusLineOpen = true;
      } else {
        line(text);
      }
    },

    // A passing window is routine; a failing one is news while the suite still runs.
    onWindow(e: WindowEvent) {
      for (const check of e.checks ?? []) {
        if (check.status !== 'fail') continue;
        line(`  ${c.red(CHECK_SYMBOL.fail)} ${e.suite} window ${e.index} (${windowSpan(e)}): ${check.source}  ${c.dim(check.detail)}`);
      }
    },

    onLog(e: LogEvent) {
      if (!options.verbose && (e.level === 'debug' || e.level === 'info')) return;
      const label = e.level === 'error' ? c.red('error') : e.level === 'warn' ? c.yellow('warn') : c.dim(e.level);
      line(`  ${label}${e.suite ? ` [${e.suite}]` : ''} ${e.message}`);
    },

    onSuiteEnd(e: SuiteEndEvent) {
      const s = e.result;
      suiteStart.delete(s.name);
      lastProgress.delete(s.name);
      line(`${colorCheck(c, s.outcome, OUTCOME_SYMBOL[s.outcome])} ${c.bold(s.name)} ${colorCheck(c, s.outcome, s.outcome)} ${c.dim(formatMs(s.durationMs))}`);
      if (s.reason) line(`    ${s.outcome === 'error' ? c.red(s.reason) : c.yellow(s.reason)}`);
      for (const check of s.checks) {
        line(`    ${colorCheck(c, check.status, CHECK_SYMBOL[check.status])} ${check.source}  ${c.dim(check.detail)}`);
      }
    },

    onRunEnd(report: RunReport, outDir: string) {
      if (statusLineOpen) line('');
      const fresh = report.harnessErrors.filter((e) => !printedErrors.has(e));
      const lines: string[] = [];
      // A second call (a later reporter failed) adds only the new harness errors and the exit code.
      if (!printedVerdict) lines.push(...verdictBlock(cOut, report));
      printedVerdict = true;
      if (fresh.length > 0) {
        lines.push(cOut.red(`harness errors (the run fails with exit ${report.exitCode}):`), ...fresh.map((e) => `  - ${e}`));
        fresh.forEach((e) => printedErrors.add(e));
      }
      if (lines.length === 0) return;
      lines.push(`${cOut.bold('exit')} ${report.exitCode} (${describeExitCode(report.exitCode)})  ${cOut.bold('report')} ${displayPath(outDir, options.cwd ?? process.cwd())}`);
      out.write(lines.join('\n') + '\n');
    },
  };
}

const VERDICT_STYLE: Record<Verdict, (ch: ChalkInstance, text: string) => string> = {
  pass: (ch, t) => ch.bgGreen.black.bold(t),
  fail: (ch, t) => ch.bgRed.white.bold(t),
  inconclusive: (ch, t) => ch.bgYellow.black.bold(t),
};

function verdictBlock(ch: ChalkInstance, report: RunReport): string[] {
  const what = report.gate ? `gate ${report.gate.number} (${report.gate.title})` : 'run';
  const lines = ['', `${VERDICT_STYLE[report.verdict](ch, ` ${report.verdict.toUpperCase()} `)} ${ch.bold(what)}: ${report.reason}`];
  if (report.status !== 'completed') lines.push(ch.yellow(`the run was ${report.status}; results are partial`));
  if (report.gate?.order && report.gate.order.status !== 'in-order') lines.push(ch.yellow(report.gate.order.note));
  const missing = report.gate?.missingKinds ?? [];
  if (missing.length > 0) lines.push(ch.yellow(`missing suite kinds: ${missing.join(', ')}`));
  return lines;
}

/** Relative to the working directory when inside it, so it can be pasted into a shell. */
function displayPath(dir: string, cwd: string): string {
  const rel = relative(cwd, dir);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
}
