// Checks the gate ledger's chain: every line must name the sha256 of the line before it, count on
// from its seq, and still match the report.json it points at. Says which line broke and how: edited,
// moved (its predecessor sits elsewhere in the file), removed, or a report changed since.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseRunReport } from '../report/json.ts';
import { readLines } from './jsonl.ts';
import { fileSha256, parseLedgerEntry, sha256, type LedgerEntry } from './ledger.ts';

export interface LedgerProblem {
  line: number;
  message: string;
}

export interface LedgerCheck {
  entries: (LedgerEntry & { line: number })[];
  /** Breaks of the chain: the ledger can no longer be trusted from here. */
  problems: LedgerProblem[];
  /** Things that do not break the chain (a report directory deleted since), shown but not failed. */
  notes: LedgerProblem[];
}

function checkReport(entry: LedgerEntry, line: number, reportsRoot: string, problems: LedgerProblem[], notes: LedgerProblem[]): void {
  if (entry.report === null || entry.reportSha256 === null) return;
  const path = isAbsolute(entry.report) ? entry.report : join(reportsRoot, entry.report);
  if (!existsSync(path)) {
    notes.push({ line, message: `its report ${entry.report} is gone (deleted or moved); the entry cannot be checked against it` });
    return;
  }
  if (fileSha256(path) !== entry.reportSha256) {
    problems.push({ line, message: `${entry.report} changed since the ledger recorded it (sha256 differs)` });
    return;
  }
  // The last line has no successor to vouch for it: its report.json does.
  try {
    const report = parseRunReport(readFileSync(path, 'utf8'), path);
    const differs = [
      report.runId !== entry.runId ? 'runId' : '',
      report.verdict !== entry.verdict ? `verdict (ledger ${entry.verdict}, report ${report.verdict})` : '',
      report.gate?.number !== entry.gate ? 'gate' : '',
    ].filter(Boolean);
    if (differs.length > 0) problems.push({ line, message: `line edited: its ${differs.join(', ')} disagree with ${entry.report}` });
  } catch (err) {
    notes.push({ line, message: `its report could not be read: ${(err as Error).message}` });
  }
}

export function verifyLedger(file: string, reportsRoot: string): LedgerCheck {
  const lines = readLines(file);
  const hashes = lines.map((l) => sha256(l.text));
  const lineOfHash = new Map(hashes.map((hash, i) => [hash, lines[i]!.line]));
  const entries: LedgerCheck['entries'] = [];
  const problems: LedgerProblem[] = [];
  const notes: LedgerProblem[] = [];
  let prevSeq: number | undefined;
  lines.forEach((l, i) => {
    let entry: LedgerEntry | string;
    try {
      entry = parseLedgerEntry(JSON.parse(l.text));
    } catch {
      entry = 'not valid JSON';
    }
    if (typeof entry === 'string') {
      problems.push({ line: l.line, message: `not a ledger entry (${entry}): edited or torn` });
      prevSeq = undefined;
      return;
    }
    const expected = i === 0 ? null : hashes[i - 1]!;
    if (entry.prevSha256 !== expected) {
      const follows = entry.prevSha256 === null ? undefined : lineOfHash.get(entry.prevSha256);
      if (entry.prevSha256 === null) problems.push({ line: l.line, message: 'claims to be the first entry, but follows line ' + lines[i - 1]!.line + ': lines were inserted or reordered' });
      else if (follows !== undefined) problems.push({ line: l.line, message: `chain broken: it follows line ${follows}, not line ${lines[i - 1]?.line ?? '(none)'}: lines were reordered` });
      else if (i === 0) problems.push({ line: l.line, message: 'chain broken: the entry it follows is gone: lines were removed from the top' });
      else problems.push({ line: l.line, message: `chain broken: line ${lines[i - 1]!.line} was edited, or a line between them was removed` });
    } else if (prevSeq !== undefined && entry.seq !== prevSeq + 1) {
      problems.push({ line: l.line, message: `seq ${entry.seq} does not follow ${prevSeq}: the line was edited` });
    }
    prevSeq = entry.seq;
    checkReport(entry, l.line, reportsRoot, problems, notes);
    entries.push({ ...entry, line: l.line });
  });
  return { entries, problems, notes };
}
