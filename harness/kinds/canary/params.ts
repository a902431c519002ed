// The `canary:` block: the steps of the rollout and the analysis interval each is held for, the
// plan's rollback triggers (their durations are the nightly ones, multiplied by `timeScale` in
// short runs), the load driven through the router, the faults that break the candidate on purpose
// (toxics in the fault proxy between the router and the candidate), and the outcome the suite
// expects, so a trigger that should have fired and did not fails the suite.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { TOXIC_TYPES } from '../../faults/proxy/toxics.ts';
import { StringEnum, withDefault } from '../params.ts';
import { serverParams } from '../server-side/server-params.ts';

export const TRIGGERS = ['error-rate', 'memory', 'latency', 'corruption', 'silence'] as const;
export type TriggerName = (typeof TRIGGERS)[number];

const enabled = () => Type.Boolean(withDefault('judge this trigger (false leaves it out: a suite expecting it then fails)', true));

const TOXIC = Type.Object(
  {
    type: StringEnum(TOXIC_TYPES as readonly string[], { description: 'a toxic of the fault proxy (harness/faults/proxy/toxics.ts)' }),
    name: Type.Optional(Type.String()),
    stream: Type.Optional(StringEnum(['upstream', 'downstream'] as const, { description: 'direction (default downstream)' })),
    toxicity: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'share of requests affected (default 1)' })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), { description: 'latency, jitter, timeout, status, delta, cosine, after…' })),
  },
  { additionalProperties: false },
);

const FAULT = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'names the fault in the decision log' }),
    step: Type.Integer({ minimum: 1, maximum: 100, description: 'the step (candidate weight in %) during which the fault starts' }),
    after: Duration(withDefault('how long after that step started', '1s')),
    toxics: Type.Array(TOXIC, { minItems: 1, description: 'set in the proxy in front of the candidate (its traffic and its /health) and left until the suite ends' }),
  },
  { additionalProperties: false },
);

export const CANARY_PARAMS = Type.Object(
  {
    steps: Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { minItems: 1, ...withDefault('candidate weight of each step, in %, rising, the last 100', [10, 50, 100]) }),
    interval: Duration(withDefault('analysis interval: each is judged on its own measurements (real time, not scaled)', '5s')),
    intervals: Type.Integer({ minimum: 1, ...withDefault('passing intervals each step must hold before the next starts', 1) }),
    inconclusiveLimit: Type.Integer({ minimum: 0, ...withDefault('inconclusive intervals in a row tolerated; one more pauses the canary (inconclusive, never a promotion), as Argo Rollouts’ inconclusiveLimit', 2) }),
    timeScale: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('factor on the triggers’ durations (1: the nightly values of the plan; reports print it beside each)', 1) }),
    rollbackLimit: Duration(withDefault('most time from detection to all traffic on the baseline (the plan’s limit; not scaled)', '5m')),
    after: Duration(withDefault('load kept on the baseline after a rollback, to show it holds', '3s')),
    load: Type.Object(
      {
        share: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('arrival rate as a share of the baseline’s capacity, measured first through the router at 0 %', 0.5) }),
        rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'arrivals per second (default: share × measured capacity)' })),
        connections: Type.Integer({ minimum: 1, maximum: 1000, ...withDefault('connections of the capacity measurement and most the open model may use', 32) }),
        capacity: Duration(withDefault('length of the closed-model capacity measurement', '2s')),
        warmup: Duration(withDefault('warm-up through the router before measuring (both sides, half each)', '1s')),
        requestTimeout: Duration(withDefault('a side’s time to answer; the router answers 504 after it', '5s')),
        repeatShare: Type.Number({ minimum: 0, maximum: 1, ...withDefault('share of requests repeating a text from a small hot set (the same text must give the same vector)', 0.3) }),
      },
      { additionalProperties: false, default: {} },
    ),
    server: serverParams('how the harness starts `embedgate serve` for gguf targets (ignored for http targets)'),
    triggers: Type.Object(
      {
        errorRate: Type.Object(
          {
            enabled: enabled(),
            above: Type.Number({ minimum: 0, maximum: 1, ...withDefault('share of the candidate’s requests in an interval without a 2xx answer', 0.05) }),
            minRequests: Type.Integer({ minimum: 1, ...withDefault('fewer candidate requests in an interval is inconclusive, unless the failures alone exceed the rate of this many', 20) }),
          },
          { additionalProperties: false, default: {} },
        ),
        memory: Type.Object(
          {
            enabled: enabled(),
            above: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('share of the memory limit the candidate’s processes hold (RSS)', 0.9) }),
            for: Duration(withDefault('how long above it before the trigger fires (scaled by timeScale)', '5m')),
            limitMb: Type.Optional(Type.Integer({ minimum: 1, description: 'the limit in MiB (default: the server’s embedgate_memory_limit_bytes, else the machine’s memory)' })),
            sample: Duration(withDefault('how often the candidate’s memory is read', '250ms')),
          },
          { additionalProperties: false, default: {} },
        ),
        latency: Type.Object(
          {
            enabled: enabled(),
            ratio: Type.Number({ exclusiveMinimum: 0, ...withDefault('the candidate is too slow above this × the baseline', 5) }),
            for: Duration(withDefault('how long too slow before the trigger fires, in whole intervals (scaled by timeScale)', '10m')),
            confLevel: Type.Number({ exclusiveMinimum: 0.5, exclusiveMaximum: 1, ...withDefault('one-sided Mann–Whitney U on the interval’s per-request latencies of both sides', 0.98) }),
            minRequests: Type.Integer({ minimum: 2, ...withDefault('2xx answers per side below which the interval is inconclusive', 20) }),
          },
          { additionalProperties: false, default: {} },
        ),
        corruption: Type.Object({ enabled: enabled() }, { additionalProperties: false, default: {} }),
        silence: Type.Object(
          {
            enabled: enabled(),
            for: Duration(withDefault('how long the candidate’s /health may give no answer (scaled by timeScale)', '3m')),
            poll: Duration(withDefault('how often /health is read, through the fault proxy', '200ms')),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    faults: Type.Array(FAULT, { ...withDefault('faults that break the candidate on purpose', [] as never[]) }),
    candidateCommand: Type.Optional(
      Type.Object(
        {
          command: Type.Array(Type.String(), { minItems: 1, description: 'argv of a server the harness starts on 127.0.0.1 as the candidate instead of the target’s own ({port} is filled in): a build of your own, or a stand-in; the target still names the model it stands for' }),
          ready: Type.String(withDefault('path polled until it answers 200', '/health')),
          readyTimeout: Duration(withDefault('how long it may take to be ready', '30s')),
        },
        { additionalProperties: false },
      ),
    ),
    export: Type.Object(
      {
        name: Type.String({ minLength: 1, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', ...withDefault('Kubernetes name of the Rollout, Canary and templates `embedgate canary export` writes', 'embedgate') }),
        interval: Duration(withDefault('analysis interval in production: Argo’s metric interval and pause per step, Flagger’s interval', '1m')),
        prometheus: Type.String(withDefault('address of the Prometheus that scrapes embedgate serve with monitoring/embedgate-rules.yaml', 'http://prometheus.monitoring:9090')),
        port: Type.Integer({ minimum: 1, maximum: 65535, ...withDefault('port the service serves on (Flagger’s service.port)', 8080) }),
      },
      { additionalProperties: false, default: {}, description: 'settings of `embedgate canary export` (the run itself ignores them); trigger durations are exported at their nightly values, never scaled' },
    ),
    expect: Type.Object(
      {
        promoted: Type.Optional(Type.Boolean({ description: 'true: the candidate must reach 100 % with every trigger quiet' })),
        rollback: Type.Optional(StringEnum(TRIGGERS, { description: 'the trigger that must roll the candidate back' })),
      },
      { additionalProperties: false, description: 'the outcome this suite expects (exactly one of promoted: true or rollback: <trigger>); expectation.met says whether it came' },
    ),
  },
  { additionalProperties: false },
);

export type CanaryParams = StaticDecode<typeof CANARY_PARAMS>;
export type CanaryFault = CanaryParams['faults'][number];
