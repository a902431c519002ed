// Finds and reads a report file the test command was to write. Each way it can fail to be this
// run's evidence is a ReportError with the reason: missing, a directory, unreadable, empty, or
// older than the command's start (left over from an earlier run, so it says nothing about this one).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ReportError } from './report-error.ts';

/**
 * File timestamps come from the kernel's coarse clock, which lags the wall clock by up to a tick
 * (4–10 ms), so a file written just after the start can look a few ms older than it.
 */
const CLOCK_SLACK_MS = 50;

export interface ReportText {
  file: string;
  content: string;
}

/** The files a path names: itself, or, when its last segment has a `*`, the files matching it. */
export function expandReportPath(path: string): string[] {
  const name = basename(path);
  if (!name.includes('*')) return [path];
  const dir = dirname(path);
  const pattern = new RegExp(`^${name.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    throw new ReportError(path, `no file matches: the folder ${dir} does not exist`);
  }
  const matched = entries.filter((e) => pattern.test(e)).sort().map((e) => join(dir, e));
  if (matched.length === 0) throw new ReportError(path, `no file in ${dir} matches ${name}`);
  return matched;
}

/** The content of a report written since `sinceMs` (epoch ms), or a ReportError saying why not. */
export function readFreshReport(file: string, sinceMs: number, what: string): ReportText {
  let stat;
  try {
    stat = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReportError(file, code === 'ENOENT' ? `the ${what} does not exist: the command did not write it` : `the ${what} cannot be read: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw new ReportError(file, `the ${what} is not a file`);
  if (stat.mtimeMs < sinceMs - CLOCK_SLACK_MS) {
    const age = new Date(stat.mtimeMs).toISOString();
    throw new ReportError(file, `the ${what} was last written at ${age}, before this run's command started: it is left over from an earlier run, not this run's result`);
  }
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ReportError(file, `the ${what} cannot be read: ${(err as Error).message}`);
  }
  if (content.trim() === '') throw new ReportError(file, `the ${what} is empty`);
  return { file, content };
}
