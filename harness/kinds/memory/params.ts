// The `memory:` block.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { StringEnum, withDefault } from '../params.ts';
import { serverParams } from '../server-side/server-params.ts';
import { MEMORY_MODES } from './metrics.ts';

export const MEMORY_PARAMS = Type.Object(
  {
    modes: Type.Optional(
      Type.Array(StringEnum(MEMORY_MODES), {
        minItems: 1,
        uniqueItems: true,
        description: 'where to embed: in process (gguf targets) and over HTTP (default both for gguf, http for http targets)',
      }),
    ),
    iterations: Type.Integer({ minimum: 50, ...withDefault('embedding requests measured per mode after warm-up', 2000) }),
    warmup: Type.Integer({ minimum: 0, ...withDefault('requests before measuring, so caches and pools fill', 300) }),
    concurrency: Type.Integer({ minimum: 1, maximum: 64, ...withDefault('requests in flight', 4) }),
    distinctTexts: Type.Integer({ minimum: 1, ...withDefault('texts cycled through, so a cache fills during warm-up and stays flat', 128) }),
    allowedBytesPerRequest: Type.Number({ minimum: 0, ...withDefault('growth per request tolerated before a proven slope counts as a leak', 1024) }),
    confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, ...withDefault('confidence of the slope interval', 0.95) }),
    snapshots: Type.Boolean(withDefault('on suspicion, take three heap snapshots and name the largest growing retainers', true)),
    sampleInterval: Duration(withDefault('memory sampling interval', '200ms')),
    dataset: Type.Optional(Type.String({ description: 'BEIR folder for request texts, relative to the suite file (default: the ts-api corpus)' })),
    server: serverParams('how the harness starts `embedgate serve` for gguf targets (the cache is off unless cacheMb is set)'),
  },
  { additionalProperties: false },
);

export type MemoryParams = StaticDecode<typeof MEMORY_PARAMS>;
