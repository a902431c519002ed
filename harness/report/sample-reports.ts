// Hand-built RunReports for the reporter tests: one per verdict plus an errored suite, and the
// windows of a soak suite for the charts. Strings
// carry the characters that break naive reporters (<, &, quotes, pipes) on purpose.
import type { WindowEvent } from '../events.ts';
import { LatencyHistogram } from '../metrics/latency.ts';
import { REPORT_SCHEMA_VERSION, type Metrics, type ModelInfo, type RunReport, type SuiteResult } from '../result.ts';

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

/**
 * `count` one-second windows of a soak-like suite (every charted metric, both sides), with a
 * latency spike in window `spikeAt`, a fault label and an exempt span in the middle, and a failed
 * window check every 1000th window. Deterministic, so tests can assert on what is drawn.
 */
export function* soakWindows(suite: string, count: number, opts: { spikeAt?: number; spikeMs?: number; baseline?: boolean; histograms?: boolean } = {}): Generator<WindowEvent> {
  const spikeAt = opts.spikeAt ?? Math.floor(count / 3);
  const mid = Math.floor(count / 2);
  // With histograms: 13 real encoded HDR histograms of ~100 answers, one per wobble step.
  const encoded = opts.histograms
    ? Array.from({ length: 13 }, (_, k) => {
        const h = new LatencyHistogram();
        for (let i = 0; i < 100; i++) h.recordMs(10 + k + ((i * 31) % 17));
        return h.encode();
      })
    : [];
  for (let i = 0; i < count; i++) {
    const wobble = ((i * 7919) % 13) / 13; // 0..1, no Math.random: the same windows every run
    const p95 = i === spikeAt ? (opts.spikeMs ?? 5000) : 20 + 4 * wobble;
    const label = i < mid ? 'steady' : i < mid + 30 ? 'during:worker-sigkill' : 'after:worker-sigkill';
    const metrics: Metrics = {
      'requests.sent': { value: 100, unit: 'count' },
      'latency.p50': { value: p95 / 2, unit: 'ms' },
      'latency.p95': { value: p95, unit: 'ms' },
      'latency.p99': { value: p95 * 1.5, unit: 'ms' },
      'throughput.rps': { value: 95 + 5 * wobble, unit: 'per_second' },
      'errors.total': { value: i % 500 === 0 ? 3 : 0, unit: 'count' },
      'errors.rate': { value: i % 500 === 0 ? 0.03 : 0, unit: 'ratio' },
      'memory.rss': { value: 300e6 + wobble * 1e6, unit: 'bytes' },
      'memory.anon': { value: 200e6 + wobble * 1e6, unit: 'bytes' },
      'memory.file': { value: 90e6, unit: 'bytes' },
      'memory.heap': { value: 40e6 + wobble * 5e5, unit: 'bytes' },
      'harness.rss': { value: 80e6 + wobble * 2e5, unit: 'bytes' },
      'worker.restarts': { value: i >= mid ? 1 : 0, unit: 'count' },
      'cache.hit_rate': { value: 0.85 + 0.1 * wobble, unit: 'ratio' },
    };
    const time = new Date(Date.parse('2025-01-02T03:04:05.000Z') + i * 1000).toISOString();
    yield {
      type: 'window', time, suite, index: i + 1, startMs: i * 1000, endMs: (i + 1) * 1000, label, metrics,
      ...(opts.histograms ? { histogram: encoded[(i * 7919) % 13]! } : {}),
      ...(label === 'during:worker-sigkill' ? { exempt: 'fault worker-sigkill' } : {}),
      checks: [{ source: 'latency.p95 <= 1s', status: i % 1000 === 999 || i === spikeAt ? 'fail' : 'pass', detail: `latency.p95 ${p95} ms <= 1s` }],
    };
    if (opts.baseline) {
      yield { type: 'window', time, suite, index: i + 1, side: 'baseline', startMs: i * 1000, endMs: (i + 1) * 1000, metrics: { 'latency.p95': { value: 15 + 2 * wobble, unit: 'ms' }, 'throughput.rps': { value: 99, unit: 'per_second' } } };
    }
  }
}

/** A finished soak suite whose windows `soakWindows` makes. */
export function soakSuite(name = 'soak', windows = 1440): SuiteResult {
  return makeSuite({
    name,
    kind: 'soak',
    file: 'suites/soak.yaml',
    outcome: 'fail',
    reason: '1 check failed: latency.p95 <= 1s',
    metrics: {
      'latency.p95': { value: 24, unit: 'ms' },
      'latency.p95.cv': { value: 0.04, unit: 'ratio' },
      availability: { value: 0.9995, unit: 'ratio' },
    },
    baselineMetrics: { 'latency.p95': { value: 16, unit: 'ms' } },
    checks: [
      { source: 'latency.p95.cv < 10%', status: 'pass', operator: '<', left: 0.04, right: 0.1, detail: 'latency.p95.cv 4% < 10%' },
      {
        source: 'latency.p95 <= 1s', status: 'fail', operator: '<=', detail: `${Math.floor(windows / 1000) + 1} of ${windows} windows failed`,
        windows: { closed: windows, counted: windows, judged: windows, failed: Math.floor(windows / 1000) + 1, minWindows: 1, firstFailure: { index: Math.floor(windows / 3) + 1, startMs: Math.floor(windows / 3) * 1000, endMs: Math.floor(windows / 3) * 1000 + 1000, detail: 'latency.p95 5 s <= 1s is false' } },
      },
      { source: 'availability > 99.9%', status: 'pass', operator: '>', left: 0.9995, right: 0.999, detail: 'availability 99.95% > 99.9%' },
    ],
    details: undefined,
    durationMs: windows * 1000,
  });
}

/** A bench suite whose details carry real HDR histograms of one task for both models. */
export function benchWithHistograms(): SuiteResult {
  const encode = (base: number, n: number) => {
    const h = new LatencyHistogram();
    for (let i = 0; i < n; i++) h.recordMs(base * (1 + ((i * 7919) % 97) / 97) + (i % 200 === 0 ? base * 10 : 0));
    return h.encode();
  };
  return makeSuite({
    name: 'bench-embed',
    details: {
      target: { tasks: [{ task: 'embed one', samples: 2000, histogram: encode(12, 2000) }] },
      baseline: { tasks: [{ task: 'embed one', samples: 2000, histogram: encode(8, 2000) }] },
    },
  });
}
