// What a load suite measures: throughput, latency and errors per phase, pair ratios to the
// compare target, overload and recovery, generator and target CPU, memory peaks; and the
// `ceiling.` scope, the same model measured in node-llama-cpp in process without HTTP. The
// `reference.` scope (a reference server, see reference:) reads this same catalog.
import { latencyCatalog, metric as m, type MetricCatalog } from '../catalog.ts';
import { MEMORY_PEAK_METRICS } from '../server-side/memory-peaks.ts';
import { INVALID_REASONS, type InvalidReason } from '../../http-client/answer-check.ts';

/** `responses.invalid.<reason>` for every reason an answer check can give. */
function invalidReasonCatalog(): Record<`responses.invalid.${InvalidReason}`, ReturnType<typeof m>> {
  return Object.fromEntries(INVALID_REASONS.map((r) => [`responses.invalid.${r}`, m('count', `checked answers found wrong for reason ${r}`)])) as Record<`responses.invalid.${InvalidReason}`, ReturnType<typeof m>>;
}

export const LOAD_METRICS = {
  'throughput.rps': m('per_second', '2xx answers per second at `connections` connections, closed model (mean over rounds)'),
  ...latencyCatalog('', '2xx answers at `connections` connections, closed model (HDR, merged over rounds)'),
  'throughput.ratio_to_sequential': m('ratio', 'throughput.rps / sequential.throughput.rps'),
  'throughput.share_of_ceiling': m('ratio', 'throughput.rps / the in-process ceiling of the same model (gguf targets): node-llama-cpp’s limit, not the machine’s'),
  'inprocess.throughput.rps': m('per_second', 'this model’s in-process ceiling (as ceiling.throughput.rps, for the baseline too): the best pool throughput of node-llama-cpp in process, without HTTP'),
  'inprocess.sequential.throughput.rps': m('per_second', 'this model in node-llama-cpp in process with one call in flight (as ceiling.sequential.throughput.rps)'),
  'inprocess.throughput.ratio_to_sequential': m('ratio', 'inprocess.throughput.rps / inprocess.sequential.throughput.rps'),
  'throughput.rps.vs_baseline': m('ratio', 'median over interleaved pairs of throughput.rps / the compare target’s'),
  'latency.p95.vs_baseline': m('ratio', 'median over interleaved pairs of latency.p95 / the compare target’s'),
  'latency.p95.vs_baseline.worst': m('ratio', 'largest pair ratio of latency.p95 to the compare target’s'),
  'throughput.rps.vs_reference': m('ratio', 'median over interleaved rounds of throughput.rps / the reference server’s (suites with reference:)'),
  'latency.p95.vs_reference': m('ratio', 'median over interleaved rounds of latency.p95 / the reference server’s (suites with reference:)'),
  'sequential.throughput.rps': m('per_second', '2xx answers per second with one connection: the reference'),
  ...latencyCatalog('sequential', '2xx answers with one connection'),
  'open.rate': m('per_second', 'arrival rate of the open-model phase'),
  'open.offered.rps': m('per_second', 'requests the generator really sent per second in the open-model phase'),
  'open.throughput.rps': m('per_second', '2xx answers per second in the open-model phase'),
  ...latencyCatalog('open', '2xx answers in the open-model phase, corrected for coordinated omission'),
  'open.latency_uncorrected.p99': m('ms', 'p99 latency of the open-model phase as the connections saw it (no correction)'),
  'errors.rate': m('ratio', 'failed requests / requests sent over the sequential, closed and open phases (non-2xx, timeouts, resets, refused, lost, unanswered)'),
  'errors.total': m('count', 'failed requests over the sequential, closed and open phases, lost and unanswered ones included'),
  'errors.status': m('count', 'answers with a non-2xx status'),
  'errors.timeout': m('count', 'requests that timed out'),
  'errors.reset': m('count', 'requests whose connection was reset'),
  'errors.connection': m('count', 'requests that failed to connect or hit another socket error'),
  'errors.lost': m('count', 'requests written whose connection then closed without an answer (counted at the socket: autocannon forgets them)'),
  'errors.unanswered': m('count', 'requests still in flight when their phase ended, after a grace period of requestTimeout (the wait ends once nothing is in flight)'),
  requests: m('count', 'requests sent over the sequential, closed and open phases (as requests.sent)'),
  'requests.sent': m('count', 'requests written over the sequential, closed and open phases: answered + errors without an answer (timeouts, resets, connection errors, lost, unanswered)'),
  'requests.answered': m('count', 'answers of any status over the sequential, closed and open phases, those arriving in the grace period included'),
  'requests.late': m('count', 'answers that arrived in the grace period after their phase ended'),
  'responses.checked': m('count', '2xx answers checked (shape, one vector per input in order, dimension, finite, norm, same text same vector), all phases'),
  'responses.invalid': m('count', 'checked answers found wrong, all phases'),
  ...invalidReasonCatalog(),
  'generator.check.cores': m('count', 'largest share of a core the answer checks took in a phase (part of the generator’s CPU)'),
  'overload.capacity.rps': m('per_second', 'capacity the overload is measured against: closed-model throughput of the same target'),
  'overload.rate': m('per_second', 'arrival rate of the overload phase (open model)'),
  'overload.offered.rps': m('per_second', 'requests the generator really sent per second during overload'),
  'overload.throughput.rps': m('per_second', '2xx answers per second during overload'),
  ...latencyCatalog('overload', '2xx answers during overload'),
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
  ...MEMORY_PEAK_METRICS,
} as const satisfies MetricCatalog;

/**
 * The `ceiling.` scope: the same model without HTTP, a pool of node-llama-cpp contexts kept busy in
 * process. The limit of that engine, not of the machine (details.target.ceiling[].engine names it).
 */
export const CEILING_METRICS = {
  'throughput.rps': m('per_second', 'embeddings per second of node-llama-cpp in process, the worker’s pool of contexts all kept busy (median over rounds): that engine’s limit, not the machine’s'),
  'sequential.throughput.rps': m('per_second', 'embeddings per second of node-llama-cpp in process with one call in flight'),
  'throughput.ratio_to_sequential': m('ratio', 'the pool’s speed-up over one call in flight: about the usable cores at best'),
  contexts: m('count', 'embedding contexts in the pool'),
} as const satisfies MetricCatalog;
