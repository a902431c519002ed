// Every suite kind the harness knows: the metrics it produces (so checks are validated at load
// time) and the schema of its parameter block. A kind that is planned but has no runner yet is
// listed with implemented: false; a gate that needs it ends inconclusive, never pass.
import type { Unit } from './result.ts';

export interface MetricSpec {
  unit: Unit;
  description: string;
}

export type MetricCatalog = Record<string, MetricSpec>;

export interface SuiteKindSpec {
  kind: string;
  implemented: boolean;
  description: string;
  metrics: MetricCatalog;
  /** JSON Schema of the parameter block, which sits under a key named after the kind. */
  paramsSchema: Record<string, unknown>;
}

/** A duration written in YAML: "250ms", "2s", "5m", "1h". */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';
const duration = (description: string) => ({ type: 'string', pattern: DURATION_PATTERN, description });

const latency = (prefix: string, what: string): MetricCatalog =>
  Object.fromEntries(
    (['p50', 'p90', 'p95', 'p99', 'max', 'min', 'mean'] as const).map((p) => [
      `${prefix}.latency.${p}`,
      { unit: 'ms' as Unit, description: `${p} latency of ${what}` },
    ]),
  );

const benchMetrics: MetricCatalog = {
  ...latency('single', 'one call embedding one query'),
  'single.throughput': { unit: 'per_second', description: 'embeddings per second, one query per call' },
  ...latency('batch', 'one call embedding a batch of documents'),
  'batch.throughput': { unit: 'per_second', description: 'documents embedded per second, batched calls' },
  'vectors.invalid': { unit: 'count', description: 'vectors with NaN/Inf, all zeros or the wrong dimension' },
};

const accuracyMetrics: MetricCatalog = {
  'cosine.min': { unit: 'score', description: 'lowest cosine similarity to the golden vector over all items' },
  'cosine.p1': { unit: 'score', description: '1st percentile of cosine similarity to the golden vectors' },
  'cosine.mean': { unit: 'score', description: 'mean cosine similarity to the golden vectors' },
  nmse: { unit: 'score', description: 'normalised mean squared error against the golden vectors' },
  items: { unit: 'count', description: 'number of golden items compared' },
  'dimension.mismatches': { unit: 'count', description: 'items whose vector length differs from the golden one' },
  'vectors.invalid': { unit: 'count', description: 'vectors with NaN/Inf, all zeros or the wrong dimension' },
};

export const MACHINE_METRICS: MetricCatalog = {
  memory: { unit: 'bytes', description: 'memory available to this run (cgroup limit, else MemTotal)' },
  cores: { unit: 'count', description: 'CPU cores available to this process' },
};

const planned = (kind: string, description: string): SuiteKindSpec => ({
  kind,
  implemented: false,
  description,
  metrics: {},
  paramsSchema: { type: 'object' },
});

export const SUITE_KINDS: Record<string, SuiteKindSpec> = {
  bench: {
    kind: 'bench',
    implemented: true,
    description: 'tinybench micro-benchmarks of single and batched embedding',
    metrics: benchMetrics,
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        batchSize: { type: 'integer', minimum: 1, maximum: 512, description: 'texts per batched call (default 8)' },
        time: duration('how long each task runs after warm-up (default 2s)'),
        warmup: duration('warm-up time per task (default 250ms)'),
        minIterations: { type: 'integer', minimum: 1, description: 'at least this many calls per task (default 10)' },
        texts: { type: 'string', description: 'JSON array of texts to embed, relative to the suite file (default: built-in sample)' },
      },
    },
  },
  accuracy: {
    kind: 'accuracy',
    implemented: true,
    description: 'embedding fidelity: cosine of target vectors against recorded golden vectors',
    metrics: accuracyMetrics,
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['golden'],
      properties: {
        golden: { type: 'string', description: 'golden vector file written by `embedgate record-golden`, relative to the suite file' },
        allowOtherModel: {
          type: 'boolean',
          description: 'compare even when the golden file was recorded for a different model sha256 (default false)',
        },
      },
    },
  },
  retrieval: planned('retrieval', 'retrieval quality (nDCG@10, MRR, recall) with non-inferiority against the baseline'),
  load: planned('load', 'closed and open model load with autocannon against the embedder server'),
  memory: planned('memory', 'leak detection and cold start'),
  fault: planned('fault', 'injected faults: worker crash, corrupt cache, slow model'),
  soak: planned('soak', 'long run: memory growth, latency variation, availability'),
  swarm: planned('swarm', 'deterministic simulated agent swarm with faults and rollback triggers'),
};
