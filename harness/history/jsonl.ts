// Append-only JSONL files under the reports root (history.jsonl, ledger.jsonl): one whole line per
// write, fsynced, and readers that keep every line they can parse and say which they could not.
// Appending is the point of these files, so they are not rewritten through write-atomic: a crash
// can leave at most a torn last line, which the reader reports and the next append steps over.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, fstatSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface JsonlLine {
  /** 1-based line number in the file. */
  line: number;
  /** The line's exact text, without its newline. */
  text: string;
}

export interface JsonlRead<T> {
  entries: (JsonlLine & { value: T })[];
  /** Lines that are not JSON or not the expected shape, with why: `file:line: reason`. */
  warnings: string[];
}

/** Appends `text` as one line, starting a fresh line first if a crash left the file without a final newline. */
export function appendLine(file: string, text: string): void {
  if (text.includes('\n')) throw new Error(`appendLine: ${file}: a JSONL entry must be one line`);
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a+');
  try {
    const size = fstatSync(fd).size;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    // One write call: concurrent appenders (O_APPEND) cannot interleave inside a line.
    writeSync(fd, `${prefix}${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Every line of the file (none when it does not exist), blank lines dropped. */
export function readLines(file: string): JsonlLine[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: JsonlLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== '') out.push({ line: i + 1, text });
  });
  return out;
}

/** Parses each line with `parse`, which returns the entry or a reason it is not one. */
export function readJsonl<T>(file: string, parse: (data: unknown) => T | string): JsonlRead<T> {
  const entries: JsonlRead<T>['entries'] = [];
  const warnings: string[] = [];
  for (const line of readLines(file)) {
    let data: unknown;
    try {
      data = JSON.parse(line.text);
    } catch {
      warnings.push(`${file}:${line.line}: not valid JSON (a torn or hand-edited line); skipped`);
      continue;
    }
    const value = parse(data);
    if (typeof value === 'string') warnings.push(`${file}:${line.line}: ${value}; skipped`);
    else entries.push({ ...line, value });
  }
  return { entries, warnings };
}

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
