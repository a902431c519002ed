// A RunReport from events.jsonl alone. A log that ends with run-end already holds the report. One
// that does not (the harness was killed, the machine lost power) is rebuilt from what it holds:
// run-start gives the gate, its needs and the provenance, suite-end the finished suites, window
// events the window verdicts of a suite that never finished. The judging is done here, with the
// same functions as the run loop; reporters only print the result.
import type { HarnessEvent, PlannedSuiteSummary, RunStartEvent, SuiteStartEvent, WindowEvent } from '../events.ts';
import { judgeRun, judgeSuite } from '../gates/verdict.ts';
import { concludeWindowCheck, type JudgedWindow } from '../gates/windows.ts';
import { REPORT_SCHEMA_VERSION, type CheckResult, type ModelInfo, type RunReport, type SuiteResult } from '../result.ts';

export const KILLED_REASON = 'the run stopped (killed) before this suite finished';

/** The log cannot be turned into a report; the message says why and what to do. */
export class RebuildError extends Error {
  override name = 'RebuildError';
}

export function rebuildReport(events: readonly HarnessEvent[], source = 'events.jsonl'): RunReport {
  const end = events.findLast((e) => e.type === 'run-end');
  if (end?.type === 'run-end') return end.report;

  const start = events.find((e): e is RunStartEvent => e.type === 'run-start');
  if (!start) throw new RebuildError(`${source}: no run-start event, so it is not the log of an embedgate run`);
  if (!start.provenance) {
    throw new RebuildError(`${source}: the run never finished and its run-start event has no provenance (an older embedgate wrote it); re-run the suites`);
  }

  const planned = new Map<string, PlannedSuiteSummary>(start.suites.map((s) => [s.name, s]));
  const lastTime = events.at(-1)!.time;
  const suites: SuiteResult[] = [];
  const running = new Map<string, SuiteStartEvent>();
  const windows = new Map<string, WindowEvent[]>();
  for (const event of events) {
    if (event.type === 'suite-start') running.set(event.suite, event);
    // push, not a spread: a day of 1 s windows is 86,400 of them, and copying the list each time is quadratic.
    else if (event.type === 'window') (windows.get(event.suite) ?? windows.set(event.suite, []).get(event.suite)!).push(event);
    else if (event.type === 'suite-end') {
      running.delete(event.result.name);
      suites.push(event.result);
    }
  }
  for (const started of running.values()) suites.push(killedSuite(started, planned.get(started.suite), windows.get(started.suite) ?? [], lastTime));

  const needs = start.gate?.needs ?? [];
  const judged = judgeRun(suites, needs, { interrupted: true });
  const ran = new Set(suites.map((s) => s.name));
  const neverStarted = start.suites.filter((s) => !ran.has(s.name)).map((s) => s.name);
  const reason = neverStarted.length > 0 ? `${judged.reason}; never started: ${neverStarted.join(', ')}` : judged.reason;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: start.runId,
    startedAt: start.time,
    finishedAt: lastTime,
    durationMs: Date.parse(lastTime) - Date.parse(start.time),
    status: 'interrupted',
    verdict: judged.verdict,
    exitCode: judged.exitCode,
    reason,
    ...(start.gate
      ? { gate: { number: start.gate.number, title: start.gate.title, file: start.gate.file ?? '', needs, missingKinds: judged.missingKinds } }
      : {}),
    provenance: { ...start.provenance, models: modelsOf(suites) },
    suites,
    harnessErrors: [],
  };
}

/** A suite that started and never ended: inconclusive, with what its windows showed before the end. */
function killedSuite(started: SuiteStartEvent, plan: PlannedSuiteSummary | undefined, windows: readonly WindowEvent[], lastTime: string): SuiteResult {
  const checks = (plan?.checks ?? []).map((check): CheckResult => {
    if (check.window) return concludeWindowCheck({ ...check, window: check.window }, verdictsOf(check.source, windows));
    return { ...check, status: 'inconclusive', detail: `not judged: ${KILLED_REASON}` };
  });
  const judged = judgeSuite(checks, KILLED_REASON);
  return {
    name: started.suite,
    kind: started.kind,
    file: plan?.file ?? '',
    fileSha256: plan?.fileSha256 ?? '',
    target: started.target,
    outcome: judged.outcome,
    reason: judged.reason,
    metrics: {},
    checks,
    startedAt: started.time,
    durationMs: Date.parse(lastTime) - Date.parse(started.time),
  };
}

function verdictsOf(source: string, windows: readonly WindowEvent[]): JudgedWindow[] {
  return windows.flatMap((w) => {
    const verdict = w.checks?.find((c) => c.source === source);
    return verdict && (w.side ?? 'target') === 'target' ? [{ index: w.index, startMs: w.startMs, endMs: w.endMs, verdict }] : [];
  });
}

/** The models the finished suites ran on, once each, as the run loop lists them. */
function modelsOf(suites: readonly SuiteResult[]): ModelInfo[] {
  const models = new Map<string, ModelInfo>();
  for (const s of suites) for (const t of [s.target, s.compare]) if (t?.model) models.set(t.model.sha256 + t.model.path, t.model);
  return [...models.values()];
}
