// The suite's journal, as Chaos Toolkit writes one: the experiment's status, the steady-state
// hypothesis before and after, and each activity (the faults, their rollbacks) with start, end,
// duration and a status of completed, deviated, failed, aborted or interrupted; plus what
// Chaos Toolkit does not measure: each fault's time to detect and time to recover.
import { errorTotal } from '../../http-client/phase.ts';
import { faultStatus, type SummaryInput, type WindowNote } from './summarise.ts';
import type { ActivityStatus, FaultRecord } from './timeline.ts';

export interface JournalActivity {
  type: 'hypothesis' | 'action';
  name: string;
  start: string;
  end: string;
  durationMs: number;
  status: ActivityStatus;
  output?: Record<string, unknown>;
}

function hypothesisActivity(name: string, windows: readonly WindowNote[], at: (ms: number) => string): JournalActivity | undefined {
  if (windows.length === 0) return undefined;
  const failed = windows.find((w) => !w.held);
  const startMs = windows[0]!.startMs;
  const endMs = windows.at(-1)!.endMs;
  return {
    type: 'hypothesis',
    name,
    start: at(startMs),
    end: at(endMs),
    durationMs: Math.round(endMs - startMs),
    status: failed ? 'deviated' : 'completed',
    output: { windows: windows.length, held: windows.filter((w) => w.held).length, ...(failed ? { firstDeviation: { window: failed.index, why: failed.why } } : {}) },
  };
}

function faultActivity(f: FaultRecord, stopped: SummaryInput['stopped'], at: (ms: number) => string): JournalActivity {
  const startMs = f.startMs ?? 0;
  const endMs = f.endMs ?? startMs;
  const ms = (x: number | undefined) => (x === undefined ? undefined : Math.round(x));
  return {
    type: 'action',
    name: f.spec.name,
    start: at(startMs),
    end: at(endMs),
    durationMs: Math.round(endMs - startMs),
    status: faultStatus(f, stopped),
    output: {
      fault: f.spec.type,
      ...(f.did ? { did: f.did } : {}),
      ...(f.notInjected ? { notInjected: f.notInjected } : {}),
      ...(f.detection ? { detectedAfterMs: ms(f.detection.atMs - startMs), detectedBy: f.detection.what } : f.injected ? { detected: false } : {}),
      ...(f.recoveredAtMs !== undefined ? { recoveredAfterMs: ms(f.recoveredAtMs - endMs) } : {}),
      ...(f.unrecovered ? { recovered: false, recoveryLimitMs: f.recoveryLimitMs } : {}),
      windows: { during: f.windowsDuring, deviated: f.deviatedDuring },
      requests: { sent: f.tally.sent, answered: f.tally.answered, errors: errorTotal(f.tally.errors), lost: f.tally.errors.lost, unanswered: f.tally.errors.unanswered, invalid: f.tally.invalid, ...(f.tally.rewritten.checked > 0 ? { rewritten: f.tally.rewritten.checked, rewrittenCaught: f.tally.rewritten.caught } : {}) },
      ...(f.alert
        ? {
            alert: {
              name: f.alert.name,
              ...(f.alert.firedAtMs !== undefined ? { firedAfterMs: ms(f.alert.firedAtMs - startMs) } : {}),
              ...(f.alert.resolvedAtMs !== undefined ? { resolvedAfterMs: ms(f.alert.resolvedAtMs - Math.max(endMs, f.alert.firedAtMs ?? endMs)) } : {}),
              ...(f.alert.problem ? { problem: f.alert.problem } : {}),
            },
          }
        : {}),
    },
  };
}

export function buildJournal(input: SummaryInput, suiteStartedAt: number, hypothesis: { sources: string[]; written: boolean }) {
  const at = (ms: number) => new Date(suiteStartedAt + ms).toISOString();
  const { records, windows } = input;
  const before = hypothesisActivity('steady-state hypothesis before the method', windows.filter((w) => w.label === 'before'), at);
  const last = records.at(-1)?.spec.name;
  const after = hypothesisActivity('steady-state hypothesis after the method', windows.filter((w) => w.label === `after:${last}`), at);
  const run = records.map((f) => faultActivity(f, input.stopped, at));
  const statuses = run.map((a) => a.status);
  let status: ActivityStatus;
  if (input.stopped) status = input.stopped.status;
  else if (before?.status === 'deviated' || statuses.includes('failed')) status = 'failed';
  else if (after?.status === 'deviated' || statuses.includes('deviated')) status = 'deviated';
  else status = 'completed';
  return {
    status,
    deviated: status === 'deviated',
    steadyStateHypothesis: { checks: hypothesis.sources, written: hypothesis.written, judgedOn: 'each window of the load' },
    ...(before ? { steadyStates: { before, ...(after ? { after } : {}) } } : after ? { steadyStates: { after } } : {}),
    run,
    windows: windows.map((w) => ({ index: w.index, label: w.label, held: w.held, ...(w.why ? { why: w.why } : {}) })),
  };
}
