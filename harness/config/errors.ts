// Configuration errors: where (file:line:col and the path inside the document), what was wrong and
// what was expected. Loaders collect every error of a file before returning, never just the first.
import path from 'node:path';

export interface ConfigError {
  /** Absolute path of the file the error is in. */
  file: string;
  /** 1-based; 0 when the error concerns the file as a whole (it cannot be read). */
  line: number;
  col: number;
  /** Path inside the document: `checks[2]`, `bench.time`, `target`; '' for the whole document. */
  path: string;
  message: string;
  expected?: string;
}

export type LoadResult<T> = { ok: true; plan: T } | { ok: false; errors: ConfigError[] };

/** Errors in reading order: by file, then line, then column. */
export function sortConfigErrors(errors: readonly ConfigError[]): ConfigError[] {
  return [...errors].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/**
 * The text the CLI prints for bad configuration (exit code 2): one block per error,
 *   suites/bench.yaml:12:5: checks[2]: unknown metric 'latency.p59' (did you mean 'latency.p95'?)
 *     expected: one of single.latency.p50, …
 * Paths are shown relative to `cwd` so they can be clicked in a terminal or editor.
 */
export function formatConfigErrors(errors: readonly ConfigError[], cwd: string = process.cwd()): string {
  const lines: string[] = [];
  for (const error of sortConfigErrors(errors)) {
    const relative = path.relative(cwd, error.file);
    const file = relative.startsWith('..') || path.isAbsolute(relative) ? error.file : relative;
    const where = error.line > 0 ? `${file}:${error.line}:${error.col}` : file;
    const inside = error.path === '' ? '' : ` ${error.path}:`;
    lines.push(`${where}:${inside} ${error.message}`);
    if (error.expected) lines.push(`    expected: ${error.expected}`);
  }
  const n = errors.length;
  lines.push(`${n} configuration error${n === 1 ? '' : 's'}`);
  return lines.join('\n');
}
