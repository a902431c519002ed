// The `fault:` block: the load that runs throughout (an open model at a share of measured
// capacity, cut into windows), the faults with their start, duration and parameters, and the
// Prometheus that watches the alerts when one is installed.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { StringEnum, withDefault } from '../params.ts';
import { serverParams } from '../server-side/server-params.ts';

export const FAULT_TYPES = ['kill-worker', 'kill-server', 'pause', 'cpu', 'memory', 'corrupt-cache', 'corrupt-model', 'network'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** Toxiproxy's toxic names and the HTTP-aware ones of the fault proxy (harness/faults/proxy/toxics.ts). */
const TOXIC_NAMES = ['latency', 'bandwidth', 'reset_peer', 'timeout', 'slow_close', 'limit_data', 'http_5xx', 'malformed_json', 'wrong_content_type', 'wrong_vector_count', 'wrong_dimension', 'perturb_vectors', 'drop', 'stop_answering'] as const;

const TOXIC = Type.Object(
  {
    type: StringEnum(TOXIC_NAMES, { description: 'Toxiproxy toxic, or an HTTP-aware one' }),
    name: Type.Optional(Type.String()),
    stream: Type.Optional(StringEnum(['upstream', 'downstream'] as const, { description: 'direction (default downstream)' })),
    toxicity: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'share of requests affected (default 1)' })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), { description: 'as Toxiproxy names them: latency, jitter, rate, timeout, delay, bytes; status, delta, cosine' })),
  },
  { additionalProperties: false },
);

const FAULT = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'names the fault in the journal and the report' }),
    type: StringEnum(FAULT_TYPES, {
      description:
        'kill-worker: SIGKILL the embedding worker; kill-server: SIGKILL the server (the harness restarts a server it started, as a supervisor would); pause: SIGSTOP, then SIGCONT after duration; cpu: busy processes compete for the cores; memory: a process holds memory toward a bound; corrupt-cache: cache entries corrupted in place (embedgate serve --fault-injection); corrupt-model: the copy of the model file the harness serves replaced by a damaged one and the worker SIGKILLed, so its restart must refuse the file (circuit open), then the file put back after duration; network: toxics in the fault proxy',
    }),
    start: Duration({ description: 'when the fault starts, from the start of the load; a fault whose predecessor has not recovered yet waits for it' }),
    duration: Duration(withDefault('how long it lasts (pause, cpu, memory, network; corrupt-model: how long the file stays damaged); 0 for a kill or a cache corruption', '0s')),
    recoveryLimit: Type.Optional(Duration({ description: 'how long after its end the steady state may take to hold again (default: the block’s recoveryLimit)' })),
    restart: Type.Optional(Type.Boolean({ description: 'kill-server: start the server again, as its supervisor would (default true for a server the harness started)' })),
    processes: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'cpu: busy processes (default: the cores)' })),
    share: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.25, description: 'memory: share of MemAvailable to hold (default 0.2, at most 0.25)' })),
    capMb: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096, description: 'memory: most MiB to hold (default 1024)' })),
    count: Type.Optional(Type.Integer({ minimum: 1, description: 'corrupt-cache: entries to corrupt (default 64)' })),
    damage: Type.Optional(StringEnum(['truncate', 'header'] as const, { description: 'corrupt-model: truncate cuts the tensor data halfway (an interrupted download), header replaces the GGUF magic (default truncate)' })),
    toxics: Type.Optional(Type.Array(TOXIC, { minItems: 1, description: 'network: the toxics, set at the start and cleared at the end' })),
    alert: Type.Optional(Type.String({ description: 'the Prometheus alert this fault must fire (and resolve after), by alertname' })),
  },
  { additionalProperties: false },
);

export const FAULT_PARAMS = Type.Object(
  {
    load: Type.Object(
      {
        share: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('arrival rate as a share of the capacity measured first (closed model)', 0.5) }),
        rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'arrivals per second (default: share × measured capacity)' })),
        connections: Type.Integer({ minimum: 1, maximum: 1000, ...withDefault('connections of the capacity measurement and most the open model may use', 32) }),
        capacity: Duration(withDefault('length of the closed-model capacity measurement', '2s')),
        warmup: Duration(withDefault('warm-up before measuring', '1s')),
        window: Duration(withDefault('length of a window: a slice of the load the steady-state hypothesis is judged on', '1s')),
        requestTimeout: Duration(withDefault('per request', '5s')),
        repeatShare: Type.Number({ minimum: 0, maximum: 1, ...withDefault('share of requests repeating a text from a small hot set (cache hits)', 0.3) }),
      },
      { additionalProperties: false, default: {} },
    ),
    after: Duration(withDefault('the steady state must hold this long after the last fault recovered', '3s')),
    recoveryLimit: Duration(withDefault('how long after a fault ends the steady state may take to hold again', '20s')),
    poll: Duration(withDefault('how often /health and /metrics are read during the suite, to detect each fault', '100ms')),
    server: serverParams('how the harness starts `embedgate serve` for gguf targets (ignored for http targets)'),
    maxCrashes: Type.Optional(Type.Integer({ minimum: 1, description: 'embedgate serve --max-crashes: worker crashes within 60 s that open the circuit (default 3)' })),
    cooldown: Type.Optional(Duration({ description: 'embedgate serve --cooldown: how long the circuit stays open' })),
    alerts: Type.Object(
      {
        rules: Type.String(withDefault('Prometheus rules file, relative to the suite file', '../monitoring/embedgate-rules.yaml')),
        scale: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('factor on the rules’ `for:` durations and range selectors, so alerts meant for hours fire in a short run', 1 / 60) }),
        fireWithin: Duration(withDefault('how long after a fault starts its alert may take to fire', '20s')),
        resolveWithin: Duration(withDefault('how long after the fault ends its alert may take to resolve', '40s')),
      },
      { additionalProperties: false, default: {} },
    ),
    faults: Type.Array(FAULT, { minItems: 1, description: 'in order of start; they do not overlap' }),
  },
  { additionalProperties: false },
);

export type FaultParams = StaticDecode<typeof FAULT_PARAMS>;
export type FaultSpec = FaultParams['faults'][number];
