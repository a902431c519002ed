// Every suite kind the harness knows: the metrics it produces (so checks are validated at load
// time) and the schema of its parameter block. A kind that is planned but has no runner yet is
// listed with implemented: false; a gate that needs it ends inconclusive, never pass.
import { CEILING_METRICS, LOAD_METRICS, LOAD_PARAMS_SCHEMA, MEMORY_METRICS, MEMORY_PARAMS_SCHEMA } from './kinds/load/schema.ts';
import type { Unit } from './result.ts';
import { checkSwarmParams } from './kinds/swarm/check-params.ts';
import { SWARM_METRICS, SWARM_PARAMS_SCHEMA } from './kinds/swarm/schema.ts';

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
  /**
   * Checks a schema cannot express (cross-references, tolerances), run at load time on a block
   * that passed the schema; each problem names its path inside the block.
   */
  /** Metrics of the `ceiling.` scope, for kinds that measure an in-process ceiling (load). */
  ceilingMetrics?: MetricCatalog;
  checkParams?: (params: Record<string, unknown>, suiteFile: string) => { path: (string | number)[]; message: string; expected: string }[];
}

/** A duration written in YAML: "250ms", "2s", "5m", "1h". */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';
const duration = (description: string) => ({ type: 'string', pattern: DURATION_PATTERN, description });

const latency = (prefix: string, what: string): MetricCatalog =>
  Object.fromEntries(
    (['p50', 'p90', 'p95', 'p99', 'p99_9', 'max', 'min', 'mean'] as const).map((p) => [
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
  'tokens.mismatches': {
    unit: 'count',
    description: 'items whose token count differs from the golden one (a tokenizer change); measured when the golden file and the target both report tokens',
  },
  'vectors.invalid': { unit: 'count', description: 'vectors with NaN/Inf, all zeros, the wrong dimension, or a norm far from 1 from a normalising model' },
};

const RANKING: [string, string][] = [
  ['ndcg_at_10', 'nDCG@10, the main retrieval score (linear gain, as trec_eval and BEIR)'],
  ['mrr_at_10', 'mean reciprocal rank of the first relevant document in the top 10'],
  ['recall_at_1', 'share of relevant documents ranked first'],
  ['recall_at_10', 'share of relevant documents in the top 10'],
  ['recall_at_100', 'share of relevant documents in the top 100'],
  ['map_at_10', 'mean average precision over the top 10'],
];

const retrievalMetrics: MetricCatalog = {
  ...Object.fromEntries(RANKING.map(([name, what]) => [name, { unit: 'score' as Unit, description: `${what}, mean over queries` }])),
  ...Object.fromEntries(
    RANKING.flatMap(([name]) => [
      [`${name}.diff`, { unit: 'score' as Unit, description: `${name} of the target minus the compare target, same queries` }],
      [`${name}.diff.ci_low`, { unit: 'score' as Unit, description: `lower end of the paired bootstrap interval of ${name}.diff` }],
      [`${name}.diff.ci_high`, { unit: 'score' as Unit, description: `upper end of the paired bootstrap interval of ${name}.diff` }],
      [`bm25.${name}`, { unit: 'score' as Unit, description: `${name} of a BM25 ranking of the same data (lexical anchor)` }],
      [`random.${name}`, { unit: 'score' as Unit, description: `${name} of a seeded random ranking (chance level)` }],
    ]),
  ),
  queries: { unit: 'count', description: 'queries scored (those with at least one relevant document)' },
  documents: { unit: 'count', description: 'documents in the corpus' },
  docs_per_second: { unit: 'per_second', description: 'corpus documents embedded per second, batched' },
  queries_per_second: { unit: 'per_second', description: 'queries embedded per second, batched' },
  'vectors.invalid': { unit: 'count', description: 'vectors with NaN/Inf, all zeros, the wrong dimension, or a norm far from 1 from a normalising model' },
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
  retrieval: {
    kind: 'retrieval',
    implemented: true,
    description: 'retrieval quality on a BEIR dataset (nDCG@10, MRR@10, recall, MAP) with a non-inferiority interval against the compare target',
    metrics: retrievalMetrics,
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dataset: {
          type: 'string',
          description: 'BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) relative to the suite file, or "ts-api" (default): documented declarations from the installed .d.ts files, built on first use',
        },
        split: { type: 'string', description: 'qrels split to read: qrels/<split>.tsv (default test)' },
        batchSize: { type: 'integer', minimum: 1, maximum: 1024, description: 'texts per embedding call (default 64)' },
        maxQueries: { type: 'integer', minimum: 1, description: 'score only this many queries, a seeded sample (default: all)' },
        maxDocuments: {
          type: 'integer',
          minimum: 1,
          description: 'embed only this many documents: all judged for the scored queries, then a seeded sample of the others (default: all)',
        },
        normalised: {
          type: 'boolean',
          description: 'whether the model returns unit-norm vectors; a norm far from 1 is then a vector fault (default: inferred from the vectors)',
        },
        nonInferiority: {
          type: 'object',
          additionalProperties: false,
          description: 'the comparison the suite is judged on; when its interval contains -margin the suite is inconclusive, not pass',
          properties: {
            metric: { enum: RANKING.map(([name]) => name), description: 'ranking metric compared (default ndcg_at_10)' },
            margin: { type: 'number', minimum: 0, maximum: 1, description: 'largest acceptable drop, as a score (default 0.01)' },
          },
        },
        bootstrap: {
          type: 'object',
          additionalProperties: false,
          properties: {
            resamples: { type: 'integer', minimum: 1000, description: 'paired bootstrap resamples (default 2000, at least 1000)' },
            confidence: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'confidence of the interval (default 0.95)' },
          },
        },
      },
    },
  },
  load: {
    kind: 'load',
    implemented: true,
    description: 'autocannon against the embedder server: sequential, closed model, open model (coordinated omission corrected), overload and recovery, beside the in-process ceiling and the compare target',
    metrics: LOAD_METRICS,
    ceilingMetrics: CEILING_METRICS,
    paramsSchema: LOAD_PARAMS_SCHEMA,
  },
  memory: {
    kind: 'memory',
    implemented: true,
    description: 'leak detection (slope of anonymous RSS and V8 heap per request, with an interval), heap snapshots on suspicion, cold start',
    metrics: MEMORY_METRICS,
    paramsSchema: MEMORY_PARAMS_SCHEMA,
  },
  inputs: planned('inputs', 'bad input end to end: malformed requests, suites and models each get a clear error, through gguf and http targets'),
  fault: planned('fault', 'injected faults: worker crash, corrupt cache, slow model'),
  soak: planned('soak', 'long run: memory growth, latency variation, availability'),
  swarm: {
    kind: 'swarm',
    implemented: true,
    description: 'deterministic simulated agent swarm: heartbeats, reassignment, consensus, faults and rollback triggers, checked by invariants',
    metrics: SWARM_METRICS,
    paramsSchema: SWARM_PARAMS_SCHEMA,
    checkParams: checkSwarmParams,
  },
};
