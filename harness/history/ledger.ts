// The gate ledger: reports/ledger.jsonl, one line per gate run, append-only. Each entry carries the
// sha256 of its report.json and of the previous line's exact text, so an edited, removed or moved
// line breaks the chain where it happened (ledger-verify.ts says where).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RunReport, Verdict } from '../result.ts';
import { appendLine, isObject, readLines } from './jsonl.ts';
import { modelPair, type ModelRef } from './models.ts';

export const LEDGER_FILE = 'ledger.jsonl';
export const LEDGER_VERSION = 1;
/** A lock older than this was left by a process that died while appending. */
const STALE_LOCK_MS = 60_000;
const LOCK_WAIT_MS = 10_000;

export interface LedgerEntry {
  v: typeof LEDGER_VERSION;
  /** 1 for the first entry, then the previous entry's plus one. */
  seq: number;
  time: string;
  gate: number;
  title: string;
  verdict: Verdict;
  exitCode: number;
  /** in-order, out-of-order or overridden (see GateOrder). */
  order: string;
  baseline: ModelRef | null;
  candidate: ModelRef | null;
  harnessVersion: string;
  gitCommit?: string;
  runId: string;
  /** report.json, relative to the reports root; null when the run wrote no json report. */
  report: string | null;
  reportSha256: string | null;
  /** sha256 of the previous line's text; null for the first entry. */
  prevSha256: string | null;
}

export const ledgerFile = (reportsRoot: string): string => join(reportsRoot, LEDGER_FILE);
export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
export const fileSha256 = (path: string): string => sha256(readFileSync(path));

export function parseLedgerEntry(data: unknown): LedgerEntry | string {
  if (!isObject(data)) return 'not a JSON object';
  if (data['v'] !== LEDGER_VERSION) return `ledger version ${String(data['v'])}, this embedgate reads version ${LEDGER_VERSION}`;
  for (const key of ['seq', 'gate', 'exitCode'] as const) if (typeof data[key] !== 'number') return `${key} is not a number`;
  for (const key of ['time', 'verdict', 'runId', 'harnessVersion', 'order'] as const) if (typeof data[key] !== 'string') return `${key} is not a string`;
  for (const key of ['baseline', 'candidate'] as const) {
    const m = data[key];
    if (m !== null && !(isObject(m) && typeof m['sha256'] === 'string')) return `${key} is neither null nor a model with a sha256`;
  }
  if (!(data['prevSha256'] === null || typeof data['prevSha256'] === 'string')) return 'prevSha256 is neither null nor a string';
  return data as unknown as LedgerEntry;
}

/** Every line that parses as an entry, in file order (verification is ledger-verify.ts's job). */
export function readLedgerEntries(file: string): LedgerEntry[] {
  return readLines(file).flatMap((l) => {
    try {
      const e = parseLedgerEntry(JSON.parse(l.text));
      return typeof e === 'string' ? [] : [e];
    } catch {
      return [];
    }
  });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding `<file>.lock`, so two gate runs finishing together cannot both chain onto the same last line. */
function withLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`${lock} has been held for ${LOCK_WAIT_MS / 1000} s; if no embedgate is running, delete it`);
      sleepSync(50);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Appends the gate run's entry, chained onto the ledger's last line. Returns the entry. */
export function appendLedger(report: RunReport, runDir: string, reportsRoot: string): LedgerEntry {
  if (!report.gate) throw new Error('appendLedger: only gate runs go into the ledger');
  const gate = report.gate;
  const file = ledgerFile(reportsRoot);
  const reportPath = join(runDir, 'report.json');
  const hasReport = existsSync(reportPath);
  const pair = modelPair(report);
  return withLock(file, () => {
    const lines = readLines(file);
    const last = lines.at(-1);
    let seq = 1;
    if (last) {
      try {
        const prev = parseLedgerEntry(JSON.parse(last.text));
        seq = typeof prev === 'string' ? lines.length + 1 : prev.seq + 1;
      } catch {
        seq = lines.length + 1;
      }
    }
    const entry: LedgerEntry = {
      v: LEDGER_VERSION,
      seq,
      time: report.finishedAt,
      gate: gate.number,
      title: gate.title,
      verdict: report.verdict,
      exitCode: report.exitCode,
      order: gate.order?.status ?? 'in-order',
      baseline: pair.baseline ?? null,
      candidate: pair.candidate ?? null,
      harnessVersion: report.provenance.harnessVersion,
      ...(report.provenance.gitCommit ? { gitCommit: report.provenance.gitCommit } : {}),
      runId: report.runId,
      report: hasReport ? relative(reportsRoot, reportPath) : null,
      reportSha256: hasReport ? fileSha256(reportPath) : null,
      prevSha256: last ? sha256(last.text) : null,
    };
    appendLine(file, JSON.stringify(entry));
    return entry;
  });
}
