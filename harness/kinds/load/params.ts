// The `load:` block.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { StringEnum, withDefault } from '../params.ts';
import { serverParams } from '../server-side/server-params.ts';

export const LOAD_PHASES = ['sequential', 'closed', 'open', 'overload'] as const;
export type LoadPhase = (typeof LOAD_PHASES)[number];

const PHASES_DEFAULT = withDefault('phases after the warm-up, in order', ['sequential', 'closed', 'open'] as LoadPhase[]);
const fraction = (what: string, value: number) => Type.Number({ minimum: 0, maximum: 1, ...withDefault(what, value) });

export const LOAD_PARAMS = Type.Object(
  {
    phases: Type.Array(StringEnum(LOAD_PHASES), { minItems: 1, uniqueItems: true, ...PHASES_DEFAULT, description: `${PHASES_DEFAULT.description}; overload adds its recovery` }),
    connections: Type.Integer({ minimum: 1, maximum: 1000, ...withDefault('connections of the closed-model phase', 100) }),
    duration: Duration(withDefault('length of each phase, per target and round', '10s')),
    warmup: Duration(withDefault('warm-up per target before measuring', '2s')),
    rounds: Type.Integer({ minimum: 1, maximum: 10, ...withDefault('times each phase runs per target, interleaved with the compare target: A B A B', 2) }),
    requestTimeout: Duration(withDefault('per request', '10s')),
    open: Type.Object(
      {
        rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'arrivals per second (default: share × the target’s closed-model throughput)' })),
        share: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('share of measured capacity when no rate is given', 0.7) }),
        connections: Type.Integer({ minimum: 1, maximum: 2000, ...withDefault('connections available to the open model', 200) }),
      },
      { additionalProperties: false, default: {} },
    ),
    overload: Type.Object(
      {
        factor: Type.Number({ minimum: 1, ...withDefault('arrival rate as a multiple of the measured capacity', 2) }),
        connections: Type.Integer({ minimum: 1, maximum: 2000, ...withDefault('connections available to the overload', 400) }),
        duration: Type.Optional(Duration({ description: 'length of the overload (default: duration)' })),
        recoveryLimit: Duration(withDefault('how long service may take to recover after the overload', '30s')),
      },
      { additionalProperties: false, default: {} },
    ),
    ceiling: Type.Union(
      [Type.Boolean(), Type.Object({ duration: Type.Optional(Duration({ description: 'per measurement (default: duration)' })) }, { additionalProperties: false })],
      withDefault('measure the in-process ceiling of gguf targets', true),
    ),
    repeatShare: fraction('share of requests repeating a text from a small hot set: cache hits', 0.2),
    inputsPerRequest: Type.Integer({ minimum: 1, maximum: 256, ...withDefault('texts per request', 1) }),
    dataset: Type.Optional(Type.String({ description: 'BEIR folder for request texts, relative to the suite file (default: the ts-api corpus)' })),
    saturationCores: Type.Number({ exclusiveMinimum: 0, ...withDefault('CPU of the generator, in cores, at which it counts as saturated', 0.9) }),
    sampleInterval: Duration(withDefault('memory sampling interval', '500ms', '; at most 1s')),
    server: serverParams('how the harness starts `embedgate serve` for gguf targets (ignored for http targets)'),
    mcp: Type.Object(
      {
        session: StringEnum(['per-user', 'per-call'] as const, withDefault('mcp targets: one MCP session per virtual user, opened once (per-user), or a new session for every tool call (per-call, Streamable HTTP only; its latency includes the handshake)', 'per-user')),
      },
      { additionalProperties: false, default: {}, description: 'how an mcp target is driven (ignored for other targets)' },
    ),
    answers: Type.Object(
      {
        share: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('share of 2xx answers checked (shape, one vector per input in order, dimension, finite values, norm, same text same vector)', 1) }),
        normalised: Type.Optional(Type.Boolean({ description: 'the model returns unit-norm vectors, so a norm far from 1 is an invalid answer (default: the norm is not checked)' })),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type LoadParams = StaticDecode<typeof LOAD_PARAMS>;
