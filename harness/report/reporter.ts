// The reporter lifecycle (in the manner of Vitest/Playwright reporters) and the one multiplexer
// every call to a reporter goes through. The mux catches a reporter's failure, prints it and puts
// it in report.harnessErrors: a broken reporter fails the run, it is never swallowed.
import type {
  EmitFn,
  HarnessEvent,
  LogEvent,
  ProgressEvent,
  RunStartEvent,
  SampleEvent,
  SuiteEndEvent,
  SuiteStartEvent,
  WindowEvent,
} from '../events.ts';
import { EXIT } from '../exit-codes.ts';
import type { RunReport } from '../result.ts';

type HookResult = void | Promise<void>;

/** All hooks optional. Reporters print what is in events and the RunReport; they never judge. */
export interface Reporter {
  /** Used in error messages: `reporter "junit" failed in onRunEnd: …`. */
  readonly name: string;
  /** Every event as emitted, including the final run-end (used by the events.jsonl writer). */
  onEvent?(event: HarnessEvent): HookResult;
  onRunStart?(event: RunStartEvent): HookResult;
  onSuiteStart?(event: SuiteStartEvent): HookResult;
  onProgress?(event: ProgressEvent): HookResult;
  onSample?(event: SampleEvent): HookResult;
  /** A window closed; its `checks` hold the verdicts of the suite's window checks on it. */
  onWindow?(event: WindowEvent): HookResult;
  onLog?(event: LogEvent): HookResult;
  onSuiteEnd?(event: SuiteEndEvent): HookResult;
  /**
   * Writes the final output. Must be idempotent: when a later reporter fails, reporters that
   * already ran are called once more so their files include that failure in harnessErrors.
   */
  onRunEnd?(report: RunReport, outDir: string): HookResult;
}

export interface ReporterMux {
  /** Dispatches an event; one without a time (from an EmitFn caller) is stamped now. */
  emit(event: HarnessEvent | Parameters<EmitFn>[0]): void;
  /** Dispatches an event that already carries its time (the run loop, a replayed events.jsonl). */
  dispatch(event: HarnessEvent): void;
  /**
   * Runs every onRunEnd, then gives onEvent hooks a run-end event if none was emitted before.
   * Resolves to the report as finally written: harnessErrors filled in, exit code 3 if any.
   */
  end(report: RunReport, outDir?: string): Promise<RunReport>;
  /** Reporter failures, a live array appended to as they happen (the run loop may share it as harnessErrors). */
  readonly errors: string[];
}

export interface ReporterMuxOptions {
  /** Where reporters write; defaults to the outDir of the run-start event. */
  outDir?: string;
  /** Where a reporter's failure is printed as it happens; defaults to stderr. */
  printError?: (message: string, error: unknown) => void;
}

const printToStderr = (message: string, error: unknown): void => {
  const stack = error instanceof Error && error.stack ? `\n${error.stack}` : '';
  process.stderr.write(`embedgate: ${message}${stack}\n`);
};

export function createReporterMux(reporters: readonly Reporter[], options: ReporterMuxOptions = {}): ReporterMux {
  const errors: string[] = [];
  const pending = new Set<Promise<void>>();
  const printError = options.printError ?? printToStderr;
  let outDir = options.outDir;
  let sawRunEnd = false;

  const record = (reporter: Reporter, hook: string, error: unknown): void => {
    const message = `reporter "${reporter.name}" failed in ${hook}: ${describe(error)}`;
    if (errors.includes(message)) return; // a hook failing on every progress event is one error, not thousands
    errors.push(message);
    printError(message, error);
  };

  /** Calls one hook; a sync throw or a rejected promise is recorded, never rethrown. */
  const call = (reporter: Reporter, hook: string, run: () => HookResult): void => {
    let result: HookResult;
    try {
      result = run();
    } catch (error) {
      record(reporter, hook, error);
      return;
    }
    if (result instanceof Promise) {
      const settled: Promise<void> = result
        .catch((error: unknown) => record(reporter, hook, error))
        .finally(() => pending.delete(settled));
      pending.add(settled);
    }
  };

  const dispatch = (event: HarnessEvent): void => {
    if (event.type === 'run-start') outDir ??= event.outDir;
    if (event.type === 'run-end') sawRunEnd = true;
    for (const reporter of reporters) {
      if (reporter.onEvent) call(reporter, 'onEvent', () => reporter.onEvent?.(event));
      switch (event.type) {
        case 'run-start': call(reporter, 'onRunStart', () => reporter.onRunStart?.(event)); break;
        case 'suite-start': call(reporter, 'onSuiteStart', () => reporter.onSuiteStart?.(event)); break;
        case 'progress': call(reporter, 'onProgress', () => reporter.onProgress?.(event)); break;
        case 'sample': call(reporter, 'onSample', () => reporter.onSample?.(event)); break;
        case 'window': call(reporter, 'onWindow', () => reporter.onWindow?.(event)); break;
        case 'log': call(reporter, 'onLog', () => reporter.onLog?.(event)); break;
        case 'suite-end': call(reporter, 'onSuiteEnd', () => reporter.onSuiteEnd?.(event)); break;
        case 'run-end': break; // only end() finishes a run, so onRunEnd runs exactly once per pass
      }
    }
  };

  const withErrors = (report: RunReport): RunReport => {
    const harnessErrors = [...report.harnessErrors, ...errors.filter((e) => !report.harnessErrors.includes(e))];
    // A failed reporter fails the run (exit 3), whatever the gate said; 2 (usage) stays 2.
    const exitCode = harnessErrors.length > 0 && report.exitCode < EXIT.usage ? EXIT.inconclusive : report.exitCode;
    return { ...report, harnessErrors, exitCode };
  };

  const runEndPass = async (list: readonly Reporter[], report: () => RunReport, dir: string): Promise<Reporter[]> => {
    const succeeded: Reporter[] = [];
    for (const reporter of list) {
      if (!reporter.onRunEnd) continue;
      try {
        await reporter.onRunEnd(report(), dir);
        succeeded.push(reporter);
      } catch (error) {
        record(reporter, 'onRunEnd', error);
      }
    }
    return succeeded;
  };

  const end = async (input: RunReport, endOutDir?: string): Promise<RunReport> => {
    await Promise.all([...pending]); // async event hooks finish (and their failures count) first
    const dir = endOutDir ?? outDir ?? '.';
    if (endOutDir === undefined && outDir === undefined) {
      const message = 'harness: no output directory (no run-start event and no outDir option); reports written to "."';
      errors.push(message);
      printError(message, undefined);
    }
    const before = errors.length;
    const succeeded = await runEndPass(reporters, () => withErrors(input), dir);
    if (errors.length > before) {
      // Reporters that ran before a failure wrote a report without it: run them once more.
      const stale = succeeded.slice(0, lastFailedBefore(reporters, succeeded));
      await runEndPass(stale, () => withErrors(input), dir);
    }
    if (!sawRunEnd) {
      const runEnd: HarnessEvent = { type: 'run-end', time: new Date().toISOString(), report: withErrors(input) };
      for (const reporter of reporters) if (reporter.onEvent) call(reporter, 'onEvent', () => reporter.onEvent?.(runEnd));
      await Promise.all([...pending]);
    }
    return withErrors(input);
  };

  return {
    emit: (event) => dispatch('time' in event && event.time ? event : ({ ...event, time: new Date().toISOString() } as HarnessEvent)),
    dispatch,
    end,
    errors,
  };
}

/** How many of the succeeded reporters ran before the last one that failed. */
function lastFailedBefore(all: readonly Reporter[], succeeded: readonly Reporter[]): number {
  const withHook = all.filter((r) => r.onRunEnd);
  const lastFailed = withHook.map((r) => !succeeded.includes(r)).lastIndexOf(true);
  return withHook.slice(0, lastFailed).filter((r) => succeeded.includes(r)).length;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
