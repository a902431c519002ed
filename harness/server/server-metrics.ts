// The metrics /metrics exposes, in one place so their names and help texts can be read together.
// Counters and histograms are updated by the HTTP layer; gauges read live state at scrape time.
import { readFileSync } from 'node:fs';
import { machineMemoryBytes } from '../machine.ts';
import { Counter, Gauge, Histogram, Registry } from './prometheus.ts';
import type { EmbedService } from './embed-service.ts';
import type { WorkerState } from './worker-supervisor.ts';

const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];
const STATES: WorkerState[] = ['starting', 'ready', 'restarting', 'circuit-open', 'failed', 'stopped'];

/** Resident set of another process from /proc (Linux); undefined where unreadable. */
export function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : undefined;
  } catch {
    return undefined;
  }
}

export function createServerMetrics(service: EmbedService) {
  const registry = new Registry();
  const { queue, supervisor } = service;
  const cache = () => service.cache?.snapshot();
  const m = {
    registry,
    requests: registry.add(new Counter('embedgate_http_requests_total', 'HTTP requests answered, by path and status code')),
    latency: registry.add(new Histogram('embedgate_embeddings_request_duration_seconds', 'time to answer POST /v1/embeddings, from the first byte read to the last byte written', LATENCY_BUCKETS_S)),
    batch: registry.add(new Histogram('embedgate_embeddings_batch_size', 'inputs per accepted POST /v1/embeddings request', BATCH_BUCKETS)),
    tokens: registry.add(new Counter('embedgate_tokens_total', 'tokens of the inputs embedded (cache hits included), BOS/EOS counted')),
    embeddings: registry.add(new Counter('embedgate_embeddings_total', 'vectors returned')),
    truncated: registry.add(new Counter('embedgate_inputs_truncated_total', 'inputs cut to the context (overflow=truncate)')),
  };
  registry.add(new Gauge('embedgate_queue_depth', 'texts waiting for a context', () => queue.depth));
  registry.add(new Gauge('embedgate_queue_in_flight', 'texts handed to the worker and not yet back', () => queue.inFlight));
  registry.add(new Gauge('embedgate_queue_capacity', 'most texts admitted at once (waiting + in flight)', () => queue.capacity));
  registry.add(new Counter('embedgate_queue_rejected_total', 'requests refused with 503 because the queue was full', () => queue.rejected));
  registry.add(new Counter('embedgate_queue_cancelled_total', 'texts dropped unembedded because their client disconnected while they waited', () => queue.cancelled));
  registry.add(new Counter('embedgate_cache_hits_total', 'cache lookups that found a valid entry', () => cache()?.hits ?? 0));
  registry.add(new Counter('embedgate_cache_misses_total', 'cache lookups that found nothing (or a corrupt entry)', () => cache()?.misses ?? 0));
  registry.add(new Counter('embedgate_cache_corrupt_total', 'cache entries whose checksum did not match: dropped and recomputed', () => cache()?.corrupt ?? 0));
  registry.add(new Counter('embedgate_cache_evictions_total', 'entries evicted to stay under the byte limit', () => cache()?.evictions ?? 0));
  registry.add(new Gauge('embedgate_cache_entries', 'entries held', () => cache()?.entries ?? 0));
  registry.add(new Gauge('embedgate_cache_bytes', 'bytes held (vectors plus overhead)', () => cache()?.bytes ?? 0));
  registry.add(
    new Gauge('embedgate_cache_hit_ratio', 'hits / lookups since start (NaN before the first lookup)', () => {
      const c = cache();
      return c && c.hits + c.misses > 0 ? c.hits / (c.hits + c.misses) : NaN;
    }),
  );
  registry.add(new Gauge('embedgate_worker_up', '1 while the embedding worker is ready', () => (supervisor.state === 'ready' ? 1 : 0)));
  registry.add(new Gauge('embedgate_worker_state', 'state of the embedding worker (1 for the current one)', () => STATES.map((s) => ({ labels: { state: s }, value: supervisor.state === s ? 1 : 0 }))));
  registry.add(new Counter('embedgate_worker_restarts_total', 'worker restarts attempted after a crash', () => supervisor.restarts));
  registry.add(new Counter('embedgate_worker_crashes_total', 'worker deaths and failed starts', () => supervisor.crashes));
  registry.add(new Gauge('embedgate_circuit_open', '1 while the circuit breaker refuses to restart the worker', () => (supervisor.state === 'circuit-open' ? 1 : 0)));
  registry.add(new Gauge('process_resident_memory_bytes', 'resident memory of the server process', () => process.memoryUsage.rss()));
  // The denominator of the memory alert (monitoring/embedgate-rules.yaml): read once, it does not move.
  const memoryLimit = machineMemoryBytes();
  registry.add(new Gauge('embedgate_memory_limit_bytes', 'memory available to the server: its cgroup limit, else the machine’s MemTotal', () => memoryLimit));
  registry.add(new Gauge('embedgate_worker_resident_memory_bytes', 'resident memory of the embedding worker process (0 when down)', () => residentBytes(supervisor.current?.pid) ?? 0));
  return m;
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
