// `embedgate report <run dir>`: writes every report file again from the run's events.jsonl, the
// run's source of truth, also for a run that was killed before it could write them. The exit code
// is the rebuilt report's, as if the run had ended normally.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { EVENT_LOG_FILE, readEventLog } from './event-log.ts';
import { rebuildReport, RebuildError } from './rebuild.ts';
import { resolveReporters, ReporterConfigError } from './registry.ts';
import { createReporterMux } from './reporter.ts';

/** The console would replay the whole run; ask for it with --reporter console,… */
const DEFAULT_REPORTERS = ['json', 'junit', 'markdown', 'html'];

export async function reportCommand(args: readonly string[], options: { reporter?: string } = {}): Promise<number> {
  const fail = (code: number, message: string): number => {
    process.stderr.write(`embedgate report: ${message}\n`);
    return code;
  };
  if (args.length !== 1) return fail(EXIT.usage, 'expects one run directory, e.g. embedgate report reports/20250101-120000-gate1-abc123');
  const dir = resolve(args[0]!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return fail(EXIT.usage, `no such directory: ${dir}`);
  const logFile = join(dir, EVENT_LOG_FILE);
  if (!existsSync(logFile)) return fail(EXIT.usage, `${dir} has no ${EVENT_LOG_FILE}; give the directory of one run (it holds events.jsonl)`);

  let reporters;
  try {
    reporters = resolveReporters(options.reporter ?? DEFAULT_REPORTERS);
  } catch (error) {
    if (error instanceof ReporterConfigError) return fail(EXIT.usage, error.message);
    throw error;
  }
  let events;
  let report;
  try {
    const log = readEventLog(logFile);
    // A torn last line is the write SIGKILL or a power cut interrupted; everything before it is whole.
    if (log.tornLastLine !== undefined) process.stderr.write(`embedgate report: ${logFile}: ignoring an incomplete last line (${log.tornLastLine.length} bytes)\n`);
    events = log.events;
    report = rebuildReport(events, logFile);
  } catch (error) {
    return fail(error instanceof RebuildError ? EXIT.usage : EXIT.inconclusive, (error as Error).message);
  }

  const mux = createReporterMux(reporters, { outDir: dir });
  for (const event of events) mux.dispatch(event);
  const final = await mux.end(report, dir);
  if (report.status !== 'completed') process.stderr.write(`embedgate report: the run was ${report.status}; rebuilt ${report.suites.length} suite result(s) in ${dir}\n`);
  return final.exitCode;
}
