// The run history: reports/history.jsonl, one line per suite per run with the suite's headline
// metrics, keyed by gate, suite and the models' sha256, so a report can show a metric's trend over
// the runs of the same models and a user can grep how a number moved.
import { join, relative } from 'node:path';
import type { MetricValue, RunReport, SuiteOutcome, Unit } from '../result.ts';
import { headlineMetrics } from './headline.ts';
import { appendLine, isObject, readJsonl, type JsonlRead } from './jsonl.ts';
import { suiteModels, type SuiteModels } from './models.ts';

export const HISTORY_FILE = 'history.jsonl';
export const HISTORY_VERSION = 1;
/** An entry longer than this loses metrics from the end until it fits: history lines stay greppable. */
export const MAX_ENTRY_BYTES = 4096;

export interface HistoryEntry {
  v: typeof HISTORY_VERSION;
  runId: string;
  /** When the run finished (ISO). */
  time: string;
  gate: number | null;
  suite: string;
  kind: string;
  models: SuiteModels;
  outcome: SuiteOutcome;
  harnessVersion: string;
  /** The run's directory, relative to the reports root. */
  report: string;
  metrics: Record<string, MetricValue>;
}

export const historyFile = (reportsRoot: string): string => join(reportsRoot, HISTORY_FILE);

/** Two results are comparable when gate, suite and both models are the same. */
export function sameSeries(a: Pick<HistoryEntry, 'gate' | 'suite' | 'models'>, b: Pick<HistoryEntry, 'gate' | 'suite' | 'models'>): boolean {
  return a.gate === b.gate && a.suite === b.suite && a.models.target === b.models.target && a.models.compare === b.models.compare;
}

/** One entry per suite of the run, as history stores them. */
export function historyEntries(report: RunReport, runDir: string, reportsRoot: string): HistoryEntry[] {
  return report.suites.map((suite) => {
    const entry: HistoryEntry = {
      v: HISTORY_VERSION,
      runId: report.runId,
      time: report.finishedAt,
      gate: report.gate?.number ?? null,
      suite: suite.name,
      kind: suite.kind,
      models: suiteModels(suite),
      outcome: suite.outcome,
      harnessVersion: report.provenance.harnessVersion,
      report: relative(reportsRoot, runDir) || '.',
      metrics: headlineMetrics(suite),
    };
    const names = Object.keys(entry.metrics);
    while (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES && names.length > 0) delete entry.metrics[names.pop()!];
    return entry;
  });
}

export function appendHistory(report: RunReport, runDir: string, reportsRoot: string): number {
  const entries = historyEntries(report, runDir, reportsRoot);
  for (const entry of entries) appendLine(historyFile(reportsRoot), JSON.stringify(entry));
  return entries.length;
}

const UNITS = new Set<Unit>(['ms', 'bytes', 'ratio', 'count', 'per_second', 'score', 'multiplier']);

function parseEntry(data: unknown): HistoryEntry | string {
  if (!isObject(data)) return 'not a JSON object';
  if (data['v'] !== HISTORY_VERSION) return `history version ${String(data['v'])}, this embedgate reads version ${HISTORY_VERSION}`;
  const models = data['models'];
  const metrics = data['metrics'];
  if (typeof data['runId'] !== 'string' || typeof data['suite'] !== 'string' || typeof data['time'] !== 'string') return 'runId, suite or time missing';
  if (!(data['gate'] === null || typeof data['gate'] === 'number')) return 'gate is neither a number nor null';
  if (!isObject(models) || typeof models['target'] !== 'string') return 'models.target missing';
  if (!isObject(metrics)) return 'metrics missing';
  for (const [name, m] of Object.entries(metrics)) {
    if (!isObject(m) || typeof m['value'] !== 'number' || !UNITS.has(m['unit'] as Unit)) return `metric "${name}" is not {value, unit}`;
  }
  if (Buffer.byteLength(JSON.stringify(data)) > MAX_ENTRY_BYTES * 2) return `longer than ${MAX_ENTRY_BYTES * 2} bytes`;
  return data as unknown as HistoryEntry;
}

/** Every readable entry, oldest first, and a warning per line that is not one. */
export function readHistory(file: string): JsonlRead<HistoryEntry> {
  return readJsonl(file, parseEntry);
}
