// Typed events that flow one way: runners emit, the event log and reporters listen.
// Every event is one line of events.jsonl, written as it happens.
import type { WindowRule } from './plan.ts';
import type { CheckStatus, Metrics, Provenance, RunReport, SourcePosition, SuiteResult, TargetDescription } from './result.ts';

interface EventBase {
  /** ISO time the event was emitted. */
  time: string;
}

/**
 * Carries what `embedgate report` needs to rebuild a report when the run never reached run-end
 * (SIGKILL, power loss): the gate and its needs, the planned suites and their window checks, and
 * the provenance known at start (models are added from each suite's result).
 */
export interface RunStartEvent extends EventBase {
  type: 'run-start';
  runId: string;
  outDir: string;
  gate?: { number: number; title: string; file?: string; needs?: string[] };
  suites: PlannedSuiteSummary[];
  provenance?: Provenance;
}

export interface PlannedSuiteSummary {
  name: string;
  kind: string;
  file: string;
  fileSha256?: string;
  /** The suite's checks, so a rebuilt report can list those it could not judge and judge those over windows from window events. */
  checks?: PlannedCheckSummary[];
}

export interface SuiteStartEvent extends EventBase {
  type: 'suite-start';
  suite: string;
  kind: string;
  target: TargetDescription;
}

/** Progress inside a suite; the console shows it for anything longer than a few seconds. */
export interface ProgressEvent extends EventBase {
  type: 'progress';
  suite: string;
  phase: string;
  done: number;
  total: number;
}

/** One measured sample (a bench task's result, a fidelity item); kept raw for later analysis. */
export interface SampleEvent extends EventBase {
  type: 'sample';
  suite: string;
  name: string;
  value: number;
  unit: string;
  attrs?: Record<string, string | number | boolean>;
}

/**
 * One time slice of a suite, emitted by its runner as the slice closes (`ctx.window(…)`). The run
 * loop numbers it, judges the suite's window checks on it at once and records their verdicts here.
 */
export interface WindowEvent extends EventBase {
  type: 'window';
  suite: string;
  /** 1-based, in the order the windows of this side closed. */
  index: number;
  /** Milliseconds since the suite started. */
  startMs: number;
  endMs: number;
  /** Whose slice: the suite's own target (default) or its compare target. Checks judge target windows only. */
  side?: 'target' | 'baseline';
  /** The runner's name for the slice, e.g. its phase. */
  label?: string;
  /**
   * Why the suite's window checks skip this slice, e.g. "fault kill-worker and its recovery": a
   * fault suite's steady-state hypothesis is not expected to hold while a fault it injected lasts.
   */
  exempt?: string;
  /** The slice's own counts, rates, latency percentiles and memory, named as in the kind's window catalog. */
  metrics: Metrics;
  /** The slice's latency as a compressed HDR histogram (LatencyHistogram.encode), so windows can be merged later. */
  histogram?: string;
  /** Verdicts of the suite's window checks on this window; set by the run loop, never by a runner. */
  checks?: WindowCheckVerdict[];
}

export interface PlannedCheckSummary {
  source: string;
  operator: string;
  position?: SourcePosition;
  implicit?: boolean;
  window?: WindowRule;
}

export interface WindowCheckVerdict {
  source: string;
  status: CheckStatus;
  detail: string;
  left?: number;
  right?: number;
}

export interface LogEvent extends EventBase {
  type: 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  suite?: string;
  message: string;
}

export interface SuiteEndEvent extends EventBase {
  type: 'suite-end';
  result: SuiteResult;
}

export interface RunEndEvent extends EventBase {
  type: 'run-end';
  report: RunReport;
}

export type HarnessEvent =
  | RunStartEvent
  | SuiteStartEvent
  | ProgressEvent
  | SampleEvent
  | WindowEvent
  | LogEvent
  | SuiteEndEvent
  | RunEndEvent;

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

/** What runners and the run loop call; the time is stamped on emit. */
export type EmitFn = (event: DistributiveOmit<HarnessEvent, 'time'>) => void;
