// The suite kinds `load` and `memory`: their metrics (checks are validated against them at load
// time), the `ceiling.` scope's metrics, and the JSON Schema of the `load:` and `memory:` blocks.
// harness/kinds.ts registers them.
import type { MetricCatalog } from '../../kinds.ts';
import type { Unit } from '../../result.ts';

// Same as kinds.ts DURATION_PATTERN; not imported, kinds.ts imports this file.
const DURATION = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';
const duration = (description: string) => ({ type: 'string', pattern: DURATION, description });
const fraction = (description: string) => ({ type: 'number', minimum: 0, maximum: 1, description });

const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'p99_9', 'max', 'min', 'mean'] as const;

const latency = (prefix: string, what: string): MetricCatalog =>
  Object.fromEntries(
    PERCENTILES.map((p) => [`${prefix === '' ? '' : `${prefix}.`}latency.${p}`, { unit: 'ms' as Unit, description: `${p.replace('_', '.')} latency of ${what}` }]),
  );

const m = (unit: Unit, description: string) => ({ unit, description });

export const LOAD_PHASES = ['sequential', 'closed', 'open', 'overload'] as const;

const memoryPeaks: MetricCatalog = {
  'memory.rss.peak': m('bytes', 'highest resident memory of the target (server and its worker together), sampled at least once a second'),
  'memory.anon.peak': m('bytes', 'highest anonymous resident memory (heaps, KV caches) of the target, from /proc/PID/smaps_rollup'),
  'memory.file.peak': m('bytes', 'highest file-backed resident memory of the target (the mmapped model lives here)'),
  'memory.heap.peak': m('bytes', 'highest V8 heap in use over the target’s Node processes (server and worker), where the heap probe runs'),
  'memory.oom': m('count', 'out-of-memory events: a target process killed by SIGKILL the harness did not send, ENOMEM in its output, or the cgroup’s oom_kill counter moving'),
  'memory.samples': m('count', 'memory samples taken'),
};

export const LOAD_METRICS: MetricCatalog = {
  'throughput.rps': m('per_second', '2xx answers per second at `connections` connections, closed model (mean over rounds)'),
  ...latency('', '2xx answers at `connections` connections, closed model (HDR, merged over rounds)'),
  'throughput.ratio_to_sequential': m('ratio', 'throughput.rps / sequential.throughput.rps'),
  'throughput.share_of_ceiling': m('ratio', 'throughput.rps / the in-process ceiling of the same model (gguf targets)'),
  'inprocess.throughput.rps': m('per_second', 'this model’s in-process ceiling (as ceiling.throughput.rps, for the baseline too): the best pool throughput without HTTP'),
  'inprocess.sequential.throughput.rps': m('per_second', 'this model in process with one call in flight (as ceiling.sequential.throughput.rps)'),
  'inprocess.throughput.ratio_to_sequential': m('ratio', 'inprocess.throughput.rps / inprocess.sequential.throughput.rps'),
  'throughput.rps.vs_baseline': m('ratio', 'median over interleaved pairs of throughput.rps / the compare target’s'),
  'latency.p95.vs_baseline': m('ratio', 'median over interleaved pairs of latency.p95 / the compare target’s'),
  'latency.p95.vs_baseline.worst': m('ratio', 'largest pair ratio of latency.p95 to the compare target’s'),
  'sequential.throughput.rps': m('per_second', '2xx answers per second with one connection: the reference'),
  ...latency('sequential', '2xx answers with one connection'),
  'open.rate': m('per_second', 'arrival rate of the open-model phase'),
  'open.offered.rps': m('per_second', 'requests the generator really sent per second in the open-model phase'),
  'open.throughput.rps': m('per_second', '2xx answers per second in the open-model phase'),
  ...latency('open', '2xx answers in the open-model phase, corrected for coordinated omission'),
  'open.latency_uncorrected.p99': m('ms', 'p99 latency of the open-model phase as the connections saw it (no correction)'),
  'errors.rate': m('ratio', 'failed requests / requests over the sequential, closed and open phases (non-2xx, timeouts, resets, refused)'),
  'errors.total': m('count', 'failed requests over the sequential, closed and open phases'),
  'errors.status': m('count', 'answers with a non-2xx status'),
  'errors.timeout': m('count', 'requests that timed out'),
  'errors.reset': m('count', 'requests whose connection was reset'),
  'errors.connection': m('count', 'requests that failed to connect or hit another socket error'),
  requests: m('count', 'requests sent over the sequential, closed and open phases'),
  'overload.capacity.rps': m('per_second', 'capacity the overload is measured against: closed-model throughput of the same target'),
  'overload.rate': m('per_second', 'arrival rate of the overload phase (open model)'),
  'overload.offered.rps': m('per_second', 'requests the generator really sent per second during overload'),
  'overload.throughput.rps': m('per_second', '2xx answers per second during overload'),
  ...latency('overload', '2xx answers during overload'),
  'overload.rejected': m('count', 'requests refused with 503 during overload'),
  'overload.rejected.rate': m('ratio', 'share of overload requests refused with 503'),
  'overload.rejected_without_retry_after': m('count', '503 answers without a valid Retry-After header'),
  'overload.failures': m('count', 'overload requests that failed otherwise: other statuses, timeouts, resets, refused connections'),
  'overload.failures.rate': m('ratio', 'overload.failures / overload requests'),
  'overload.crashes': m('count', 'target processes or workers that died during the suite'),
  'overload.recovered': m('count', '1 when, after the overload stopped, one connection got only 2xx at near-sequential latency within the recovery limit'),
  'overload.recovery': m('ms', 'time from the end of the overload until a one-second window had shown service recovered: an upper bound, about 1 s when the first window after it is already clean (the limit when it never recovered)'),
  'generator.cpu.peak': m('count', 'most CPU the load generator (this process) used in a phase, in cores'),
  'target.cpu.cores': m('count', 'CPU the target’s processes (server and worker) used in the closed phase, in cores: beside generator.cpu.peak, where the machine’s cores went'),
  'generator.saturated': m('count', 'phases in which the load generator used ≥ saturationCores of CPU: their throughput is not the target’s'),
  'cache.hit_rate': m('ratio', 'embedding cache hits / lookups on the server over the suite (embedgate serve)'),
  ...memoryPeaks,
};

/** The `ceiling.` scope: the same model without HTTP, a pool of contexts kept busy in process. */
export const CEILING_METRICS: MetricCatalog = {
  'throughput.rps': m('per_second', 'in-process embeddings per second of the worker’s pool of contexts, all kept busy (median over rounds)'),
  'sequential.throughput.rps': m('per_second', 'in-process embeddings per second with one call in flight'),
  'throughput.ratio_to_sequential': m('ratio', 'the pool’s speed-up over one call in flight: about the usable cores at best'),
  contexts: m('count', 'embedding contexts in the pool'),
};

const serverSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'how the harness starts `embedgate serve` for gguf targets (ignored for http targets)',
  properties: {
    queue: { type: 'integer', minimum: 1, description: 'texts queued or running before 503 (default 1024; the overload suite sets a small one)' },
    cacheMb: { type: 'integer', minimum: 0, description: 'embedding cache in MiB, 0 disables (default 64)' },
    overflow: { enum: ['error', 'truncate'], description: 'inputs longer than the context (default truncate: corpus texts can be long)' },
  },
};

export const LOAD_PARAMS_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    phases: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: [...LOAD_PHASES] },
      description: 'phases after the warm-up, in order (default [sequential, closed, open]); overload adds its recovery',
    },
    connections: { type: 'integer', minimum: 1, maximum: 1000, description: 'connections of the closed-model phase (default 100)' },
    duration: duration('length of each phase, per target and round (default 10s)'),
    warmup: duration('warm-up per target before measuring (default 2s)'),
    rounds: { type: 'integer', minimum: 1, maximum: 10, description: 'times each phase runs per target, interleaved with the compare target: A B A B (default 2)' },
    requestTimeout: duration('per request (default 10s)'),
    open: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rate: { type: 'number', exclusiveMinimum: 0, description: 'arrivals per second (default: share × the target’s closed-model throughput)' },
        share: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'share of measured capacity when no rate is given (default 0.7)' },
        connections: { type: 'integer', minimum: 1, maximum: 2000, description: 'connections available to the open model (default 200)' },
      },
    },
    overload: {
      type: 'object',
      additionalProperties: false,
      properties: {
        factor: { type: 'number', minimum: 1, description: 'arrival rate as a multiple of the measured capacity (default 2)' },
        connections: { type: 'integer', minimum: 1, maximum: 2000, description: 'connections available to the overload (default 400)' },
        duration: duration('length of the overload (default: duration)'),
        recoveryLimit: duration('how long service may take to recover after the overload (default 30s)'),
      },
    },
    ceiling: {
      description: 'measure the in-process ceiling of gguf targets (default true)',
      oneOf: [
        { type: 'boolean' },
        { type: 'object', additionalProperties: false, properties: { duration: duration('per measurement (default: duration)') } },
      ],
    },
    repeatShare: fraction('share of requests repeating a text from a small hot set: cache hits (default 0.2)'),
    inputsPerRequest: { type: 'integer', minimum: 1, maximum: 256, description: 'texts per request (default 1)' },
    dataset: { type: 'string', description: 'BEIR folder for request texts, relative to the suite file (default: the ts-api corpus)' },
    saturationCores: { type: 'number', exclusiveMinimum: 0, description: 'CPU of the generator, in cores, at which it counts as saturated (default 0.9)' },
    sampleInterval: duration('memory sampling interval (default 500ms; at most 1s)'),
    server: serverSchema,
  },
};

export const MEMORY_METRICS: MetricCatalog = {
  'leak.suspected': m('count', 'series (anon or heap, per mode) whose slope interval excludes zero and whose slope exceeds the allowance'),
  ...Object.fromEntries(
    (['inprocess', 'http'] as const).flatMap((mode) =>
      (['anon', 'heap'] as const).flatMap((series) => [
        [`${mode}.leak.${series}.slope`, m('bytes', `least-squares slope of ${series === 'anon' ? 'anonymous RSS' : 'V8 heap'} per request after warm-up (${mode === 'http' ? 'over HTTP' : 'in process'})`)],
        [`${mode}.leak.${series}.slope.ci_low`, m('bytes', `lower end of the interval of ${mode}.leak.${series}.slope`)],
        [`${mode}.leak.${series}.slope.ci_high`, m('bytes', `upper end of the interval of ${mode}.leak.${series}.slope`)],
      ]),
    ),
  ),
  'inprocess.requests': m('count', 'embedding calls measured in process'),
  'http.requests': m('count', 'requests measured over HTTP'),
  'http.errors': m('count', 'failed requests over HTTP'),
  cold_start: m('ms', 'spawn to ready: embedgate serve answering /health 200 (gguf targets) or, in process, the worker ready'),
  'cold_start.inprocess': m('ms', 'in process: from opening the gguf target to its worker being ready'),
  ...memoryPeaks,
};

export const MEMORY_PARAMS_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    modes: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: ['inprocess', 'http'] },
      description: 'where to embed: in process (gguf targets) and over HTTP (default both for gguf, http for http targets)',
    },
    iterations: { type: 'integer', minimum: 50, description: 'embedding requests measured per mode after warm-up (default 2000)' },
    warmup: { type: 'integer', minimum: 0, description: 'requests before measuring, so caches and pools fill (default 300)' },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, description: 'requests in flight (default 4)' },
    distinctTexts: { type: 'integer', minimum: 1, description: 'texts cycled through, so a cache fills during warm-up and stays flat (default 128)' },
    allowedBytesPerRequest: { type: 'number', minimum: 0, description: 'growth per request tolerated before a proven slope counts as a leak (default 1024)' },
    confidence: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'confidence of the slope interval (default 0.95)' },
    snapshots: { type: 'boolean', description: 'on suspicion, take three heap snapshots and name the largest growing retainers (default true)' },
    sampleInterval: duration('memory sampling interval (default 200ms)'),
    dataset: { type: 'string', description: 'BEIR folder for request texts, relative to the suite file (default: the ts-api corpus)' },
    server: { ...serverSchema, description: 'how the harness starts `embedgate serve` for gguf targets (the cache is off unless cacheMb is set)' },
  },
};
