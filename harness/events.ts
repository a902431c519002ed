// Typed events that flow one way: runners emit, the event log and reporters listen.
// Every event is one line of events.jsonl, written as it happens.
import type { RunReport, SuiteResult, TargetDescription } from './result.ts';

interface EventBase {
  /** ISO time the event was emitted. */
  time: string;
}

export interface RunStartEvent extends EventBase {
  type: 'run-start';
  runId: string;
  outDir: string;
  gate?: { number: number; title: string };
  suites: { name: string; kind: string; file: string }[];
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
  | LogEvent
  | SuiteEndEvent
  | RunEndEvent;

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

/** What runners and the run loop call; the time is stamped on emit. */
export type EmitFn = (event: DistributiveOmit<HarnessEvent, 'time'>) => void;
