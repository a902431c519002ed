// Hand-built RunReports for the reporter tests: one per verdict plus an errored suite. Strings
// carry the characters that break naive reporters (<, &, quotes, pipes) on purpose.
import { REPORT_SCHEMA_VERSION, type ModelInfo, type RunReport, type SuiteResult } from '../result.ts';

export const CANDIDATE: ModelInfo = {
  name: 'candidate',
  path: '/models/fixture-code.Q4_K_M.gguf',
  sha256: 'c0ffee'.padEnd(64, '1'),
  fileSize: 12_400_000,
  architecture: 'qwen2',
  dimensions: 256,
  pooling: 'last',
  contextLength: 2048,
  layers: 4,
  quantization: 'Q4_K_M',
  queryPrefix: 'Represent this query for searching relevant code: ',
  documentPrefix: '',
  threads: 1,
};

export const BASELINE: ModelInfo = {
  ...CANDIDATE,
  name: 'baseline',
  path: '/models/fixture-text.gguf',
  sha256: 'bada55'.padEnd(64, '2'),
  fileSize: 3_100_000,
  architecture: 'nomic-bert',
  dimensions: 128,
  pooling: 'mean',
  quantization: 'F16',
  queryPrefix: 'search_query: ',
  documentPrefix: 'search_document: ',
};

export function makeSuite(overrides: Partial<SuiteResult> = {}): SuiteResult {
  return {
    name: 'bench-single',
    kind: 'bench',
    file: 'suites/bench.yaml',
    fileSha256: 'ab'.repeat(32),
    target: { ref: 'gguf:candidate', kind: 'gguf', model: CANDIDATE },
    compare: { ref: 'gguf:baseline', kind: 'gguf', model: BASELINE },
    outcome: 'pass',
    metrics: {
      'single.latency.p50': { value: 12.34, unit: 'ms' },
      'single.latency.p95': { value: 20.1, unit: 'ms' },
      'single.latency.p99': { value: 1240, unit: 'ms' },
      'single.throughput': { value: 583.2, unit: 'per_second' },
      'memory.rss.peak': { value: 12_400_000, unit: 'bytes' },
    },
    baselineMetrics: {
      'single.latency.p50': { value: 8, unit: 'ms' },
      'single.latency.p95': { value: 11, unit: 'ms' },
      'single.latency.p99': { value: 30, unit: 'ms' },
    },
    checks: [
      { source: 'single.latency.p95 <= 2 * baseline.latency.p95', status: 'pass', operator: '<=', left: 20.1, right: 22, detail: '20.1 ms <= 2 * 11 ms = 22 ms' },
      { source: 'vectors.invalid == 0', status: 'pass', operator: '==', left: 0, right: 0, detail: '0 == 0' },
    ],
    details: { rows: [{ task: 'embed one', p50: 12.34, ok: true }] },
    startedAt: '2025-01-02T03:04:05.000Z',
    durationMs: 4321,
    ...overrides,
  };
}

export function makeReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: '2025-01-02T03-04-05Z-abc123',
    startedAt: '2025-01-02T03:04:05.000Z',
    finishedAt: '2025-01-02T03:04:10.000Z',
    durationMs: 5000,
    status: 'completed',
    verdict: 'pass',
    exitCode: 0,
    reason: 'all 2 checks passed',
    gate: { number: 1, title: 'Unit', file: 'suites/gate-1.yaml', needs: ['bench'], missingKinds: [] },
    provenance: {
      harnessVersion: '0.1.0',
      gitCommit: '0123456789abcdef0123456789abcdef01234567',
      gitDirty: false,
      machine: {
        hostname: 'build-host-7',
        platform: 'linux',
        arch: 'x64',
        cpus: 2,
        availableCores: 2,
        cpuModel: 'Test CPU @ 2.0GHz',
        memoryBytes: 8_000_000_000,
        nodeVersion: 'v20.20.2',
      },
      seed: 42,
      suiteFiles: [{ file: 'suites/bench.yaml', sha256: 'ab'.repeat(32) }],
      models: [CANDIDATE, BASELINE],
      argv: ['gate', '1'],
    },
    suites: [makeSuite()],
    harnessErrors: [],
    ...overrides,
  };
}

/** The hostile strings: a check and a detail that must be escaped everywhere. */
export const NASTY_SOURCE = 'errors.rate < 1% && "quoted" | piped';
export const NASTY_DETAIL = 'errors.rate = 5% < 1% is false & <b>bold</b> | next';

export function failReport(): RunReport {
  const suite = makeSuite({
    name: 'load-100',
    kind: 'load',
    outcome: 'fail',
    checks: [
      makeSuite().checks[0]!,
      { source: NASTY_SOURCE, status: 'fail', operator: '<', left: 0.05, right: 0.01, detail: NASTY_DETAIL },
    ],
  });
  return makeReport({ verdict: 'fail', exitCode: 1, reason: '1 of 2 checks failed in load-100', suites: [suite] });
}

export function inconclusiveReport(): RunReport {
  const suite = makeSuite({
    outcome: 'inconclusive',
    reason: 'the run was too short: 3 samples, at least 30 needed',
    checks: [{ source: 'single.latency.p99 <= 50ms', status: 'inconclusive', operator: '<=', detail: 'too few samples for p99 (3 < 30)' }],
  });
  return makeReport({
    verdict: 'inconclusive',
    exitCode: 3,
    reason: 'gate 1 needs memory and soak suites that did not run',
    gate: { number: 1, title: 'Unit', file: 'suites/gate-1.yaml', needs: ['bench', 'memory', 'soak'], missingKinds: ['memory', 'soak'] },
    suites: [suite],
  });
}

export function erroredReport(): RunReport {
  const errored = makeSuite({
    name: 'accuracy',
    kind: 'accuracy',
    outcome: 'error',
    reason: 'model failed to load: /models/<bad>.gguf & tensor table truncated',
    metrics: {},
    checks: [],
    details: undefined,
    durationMs: 250,
  });
  return makeReport({ verdict: 'inconclusive', exitCode: 3, reason: 'suite accuracy could not run', suites: [makeSuite(), errored] });
}
