// A run as `embedgate compare` reads it: report.json (or, for a run killed before writing it, the
// report rebuilt from events.jsonl) and each suite's windows from events.jsonl, which report.json
// does not keep.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WindowEvent } from '../events.ts';
import { EVENT_LOG_FILE, readEventLog } from '../report/event-log.ts';
import { JSON_REPORT_FILE, parseRunReport } from '../report/json.ts';
import { rebuildReport } from '../report/rebuild.ts';
import type { RunReport } from '../result.ts';

export interface LoadedRun {
  dir: string;
  report: RunReport;
  /** Per suite, its windows by side, exempt ones left out (a fault's own windows are not the steady state). */
  windows: Map<string, { target: WindowEvent[]; baseline: WindowEvent[] }>;
}

/** Thrown for a path that is not a run directory; the message says what to give instead. */
export class RunDirError extends Error {}

export function loadRun(path: string): LoadedRun {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunDirError(`${dir}: no such directory; give the directory of one run, e.g. reports/20250101-120000-gate1-abc123`);
  const reportPath = join(dir, JSON_REPORT_FILE);
  const logPath = join(dir, EVENT_LOG_FILE);
  if (!existsSync(reportPath) && !existsSync(logPath)) throw new RunDirError(`${dir}: neither ${JSON_REPORT_FILE} nor ${EVENT_LOG_FILE}; is it the directory of one run?`);
  const events = existsSync(logPath) ? readEventLog(logPath).events : [];
  const report = existsSync(reportPath) ? parseRunReport(readFileSync(reportPath, 'utf8'), reportPath) : rebuildReport(events, logPath);
  const windows: LoadedRun['windows'] = new Map();
  for (const e of events) {
    if (e.type !== 'window' || e.exempt !== undefined) continue;
    const sides = windows.get(e.suite) ?? { target: [], baseline: [] };
    sides[e.side ?? 'target'].push(e);
    windows.set(e.suite, sides);
  }
  return { dir, report, windows };
}
