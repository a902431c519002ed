// Reporter names → factories, and the ONE place that decides which reporters run and where run
// output goes (option > EMBEDGATE_REPORTS_DIR > ./reports). events.jsonl is not in this list: the
// run loop writes it itself (createEventLog) because it must survive a crash of everything else.
import { isAbsolute, resolve } from 'node:path';
import { createConsoleReporter, type ConsoleReporterOptions } from './console.ts';
import { createHtmlReporter } from './html.ts';
import { createJsonReporter } from './json.ts';
import { createJunitReporter } from './junit.ts';
import { createMarkdownReporter } from './markdown.ts';
import type { Reporter } from './reporter.ts';
import { historySections } from '../history/trend.ts';
import { retrievalChangeSections } from './retrieval-change.ts';
import { profileSections } from '../profile/html-section.ts';

export interface ReporterContext {
  console?: ConsoleReporterOptions;
}

export const REPORTERS = {
  console: (ctx: ReporterContext) => createConsoleReporter(ctx.console),
  json: () => createJsonReporter(),
  junit: () => createJunitReporter(),
  markdown: () => createMarkdownReporter(),
  html: () => createHtmlReporter({ extraSections: (report, dir) => [...retrievalChangeSections(report), ...historySections(report, dir), ...profileSections(report, dir)] }),
} satisfies Record<string, (ctx: ReporterContext) => Reporter>;

export type ReporterName = keyof typeof REPORTERS;

export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];

export const REPORTS_DIR_ENV = 'EMBEDGATE_REPORTS_DIR';
export const DEFAULT_REPORTS_DIR = 'reports';

/** A reporter name that does not exist: a usage error (exit 2), listing what does. */
export class ReporterConfigError extends Error {
  override name = 'ReporterConfigError';
}

/** The directory that holds one folder per run, absolute. Relative paths are taken from cwd. */
export function resolveOutputRoot(
  option?: string,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string {
  const chosen = option || env[REPORTS_DIR_ENV] || DEFAULT_REPORTS_DIR;
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/** Names as given (a list, or "json,junit" as typed after --reporter); default all of them. */
export function parseReporterNames(input?: readonly string[] | string): ReporterName[] {
  if (input === undefined) return [...REPORTER_NAMES];
  const names = (typeof input === 'string' ? [input] : input).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(REPORTER_NAMES as string[]).includes(n));
  if (unknown.length > 0) {
    throw new ReporterConfigError(`unknown reporter ${unknown.map((n) => `"${n}"`).join(', ')}; known reporters: ${REPORTER_NAMES.join(', ')}`);
  }
  return [...new Set(names)] as ReporterName[];
}

/**
 * The reporters of a run. Files are written before the console's final block, which prints the
 * path of the report dir and any failure of the file reporters.
 */
export function resolveReporters(input?: readonly string[] | string, ctx: ReporterContext = {}): Reporter[] {
  const names = parseReporterNames(input);
  const ordered = [...names.filter((n) => n !== 'console'), ...names.filter((n) => n === 'console')];
  return ordered.map((n) => REPORTERS[n](ctx));
}
