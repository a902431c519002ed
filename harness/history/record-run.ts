// What every run leaves under the reports root besides its own directory: its headline metrics in
// history.jsonl and, for a gate run, an entry in ledger.jsonl. Both files are created on first use,
// so a clean clone (no reports/ yet) works the same as one with years of history.
import os from 'node:os';
import type { RunReport } from '../result.ts';
import { gateOrder } from './gate-order.ts';
import { appendHistory, historyFile } from './history.ts';
import { appendLedger, ledgerFile, readLedgerEntries } from './ledger.ts';

/**
 * The report with what only the end of a run knows: the machine's load average (compare warns when
 * one side ran on a busier machine) and its gate's order mark, from the ledger as it is now.
 */
export function annotateRun(report: RunReport, reportsRoot: string, override: boolean): RunReport {
  const loaded = { ...report, provenance: { ...report.provenance, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100) } };
  if (!report.gate) return loaded;
  const order = gateOrder(report, readLedgerEntries(ledgerFile(reportsRoot)), override);
  return order ? { ...loaded, gate: { ...report.gate, order } } : loaded;
}

/**
 * Appends the run to history and (gate runs) the ledger, after its report files are written: the
 * ledger entry carries report.json's sha256. Returns one line per file it could not write; the
 * caller shows them, and the run's exit code stays what its verdict made it.
 */
export function recordRun(report: RunReport, runDir: string, reportsRoot: string): string[] {
  const problems: string[] = [];
  // An interrupted run's numbers are partial: they would bend every trend they joined.
  if (report.status === 'completed') {
    try {
      appendHistory(report, runDir, reportsRoot);
    } catch (err) {
      problems.push(`could not append to ${historyFile(reportsRoot)}: ${(err as Error).message}`);
    }
  }
  if (report.gate) {
    try {
      appendLedger(report, runDir, reportsRoot);
    } catch (err) {
      problems.push(`could not append to ${ledgerFile(reportsRoot)}: ${(err as Error).message}; this gate run is not in the ledger`);
    }
  }
  return problems;
}
