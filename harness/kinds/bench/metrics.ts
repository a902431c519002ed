// What a bench suite measures: latency and throughput of one query per call and of batches.
import { latencyCatalog, metric, type MetricCatalog } from '../catalog.ts';

export const BENCH_METRICS = {
  ...latencyCatalog('single', 'one call embedding one query'),
  'single.throughput': metric('per_second', 'embeddings per second, one query per call'),
  ...latencyCatalog('batch', 'one call embedding a batch of documents'),
  'batch.throughput': metric('per_second', 'documents embedded per second, batched calls'),
  'vectors.invalid': metric('count', 'vectors with NaN/Inf, all zeros or the wrong dimension'),
} as const satisfies MetricCatalog;
