// The shape of a run's results. Runners fill these in, gates judge them, reporters print them.
// report.json is this object, so any reshape here must bump REPORT_SCHEMA_VERSION.

export const REPORT_SCHEMA_VERSION = 1;

/** Physical dimension of a metric or check operand; checks refuse to mix them. */
export type Dimension = 'time' | 'bytes' | 'none';

/** How a number should be shown. Values are stored in base units: ms for time, bytes for bytes. */
export type Unit = 'ms' | 'bytes' | 'ratio' | 'count' | 'per_second' | 'score' | 'multiplier';

export interface MetricValue {
  /** NaN never appears: a metric that was not measured is absent. */
  value: number;
  unit: Unit;
}

export type Metrics = Record<string, MetricValue>;

export type CheckStatus = 'pass' | 'fail' | 'inconclusive';

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export interface CheckResult {
  /** The check exactly as written in the suite. */
  source: string;
  status: CheckStatus;
  /** Values of both sides in base units, when they could be computed. */
  left?: number;
  right?: number;
  operator: string;
  /** Human explanation: the substituted expression, or why it could not be judged. */
  detail: string;
  position?: SourcePosition;
  /** A default check the harness added (e.g. vectors.invalid == 0), not one written in the suite. */
  implicit?: boolean;
  /** For a check over windows: how many windows it saw and the first that failed. */
  windows?: WindowEvidence;
}

/** What a check over windows saw, compact enough for every report. */
export interface WindowEvidence {
  /** Windows of the suite's own target that closed. */
  closed: number;
  /** Those that counted for the status: the last N, or all of them. */
  counted: number;
  /** Counted windows whose values could be computed. */
  judged: number;
  failed: number;
  minWindows: number;
  last?: number;
  /** The first counted window that failed, with the values substituted. */
  firstFailure?: { index: number; startMs: number; endMs: number; detail: string; left?: number; right?: number };
  /** This check's failing window stopped the suite early. */
  aborted?: boolean;
}

/** error: the suite could not run at all (model failed to load, target crashed). */
export type SuiteOutcome = 'pass' | 'fail' | 'inconclusive' | 'error';

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export type RunStatus = 'completed' | 'interrupted' | 'errored';

export interface ModelInfo {
  name: string;
  path: string;
  sha256: string;
  fileSize: number;
  architecture: string;
  /** Embedding dimensions, read from GGUF metadata. */
  dimensions: number;
  pooling: string;
  contextLength: number;
  layers?: number;
  quantization?: string;
  queryPrefix: string;
  documentPrefix: string;
  /** Threads per context and contexts chosen for this machine. */
  threads?: number;
  /** Embedding contexts in the gguf worker's pool (concurrent evaluations). */
  contexts?: number;
}

export interface TargetDescription {
  /** How the suite named it, e.g. "gguf:candidate". */
  ref: string;
  kind: string;
  model?: ModelInfo;
  url?: string;
}

export interface SuiteResult {
  name: string;
  kind: string;
  file: string;
  fileSha256: string;
  target: TargetDescription;
  compare?: TargetDescription;
  outcome: SuiteOutcome;
  /** Why the outcome is error or inconclusive, in words a user can act on. */
  reason?: string;
  metrics: Metrics;
  baselineMetrics?: Metrics;
  /** Load suites with reference:: the reference server's metrics, as checks read them (reference.*). */
  referenceMetrics?: Metrics;
  checks: CheckResult[];
  /** Kind-specific tables for the reports (bench rows, worst fidelity items, …). */
  details?: Record<string, unknown>;
  /** Set when a check over windows with abortOnFail stopped the suite before its runner finished. */
  stoppedEarly?: { check: string; window: number; atMs: number };
  startedAt: string;
  durationMs: number;
}

export interface Provenance {
  harnessVersion: string;
  gitCommit?: string;
  gitDirty?: boolean;
  machine: {
    hostname: string;
    platform: string;
    arch: string;
    cpus: number;
    availableCores: number;
    cpuModel: string;
    memoryBytes: number;
    nodeVersion: string;
  };
  seed: number;
  /** os.loadavg() (1, 5, 15 min) as the run ended: compare warns when one side ran on a busier machine. */
  loadAverage?: number[];
  suiteFiles: { file: string; sha256: string }[];
  models: ModelInfo[];
  argv: string[];
}

export interface GateInfo {
  number: number;
  title: string;
  file: string;
  /** Suite kinds the gate is not complete without. */
  needs: string[];
  /** Kinds in `needs` that no suite of this run covered. */
  missingKinds: string[];
  /** Whether gates 1..N-1 had passed for the same models when this gate ran (reports/ledger.jsonl). */
  order?: GateOrder;
}

/**
 * Gate N run before gates 1..N-1 passed for the same baseline and candidate (by sha256) is marked
 * "out of order" in every report; --out-of-order overrides the mark and is recorded. The exit code
 * is never changed by it.
 */
export interface GateOrder {
  status: 'in-order' | 'out-of-order' | 'overridden';
  /** Earlier gates with no passing run for these models in the ledger. */
  missing: number[];
  /** One line every reporter prints beside the verdict when status is not in-order. */
  note: string;
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: RunStatus;
  verdict: Verdict;
  exitCode: number;
  /** One line: why the verdict is what it is. */
  reason: string;
  gate?: GateInfo;
  provenance: Provenance;
  suites: SuiteResult[];
  /** Failures of reporters or the harness itself, shown to the user and never swallowed. */
  harnessErrors: string[];
}
