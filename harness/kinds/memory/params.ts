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
    iterations: Type.Integer({ minimum: 50, ...withDefault('embedding requests measured per mode after warm-up, at least (see minDuration)', 2000) }),
    minDuration: Duration(withDefault('wall time measured per mode after warm-up, at least: a fast target is measured past `iterations` until this is reached, so each window spans enough GC and allocator cycles', '12s')),
    windows: Type.Integer({ minimum: 6, maximum: 64, ...withDefault('windows the measured span is cut into; the leak verdict is judged over their medians', 8) }),
    warmup: Type.Integer({ minimum: 0, ...withDefault('requests before measuring, so caches and pools fill', 300) }),
    concurrency: Type.Integer({ minimum: 1, maximum: 64, ...withDefault('requests in flight', 4) }),
    distinctTexts: Type.Integer({ minimum: 1, ...withDefault('texts cycled through, so a cache fills during warm-up and stays flat', 128) }),
    allowedBytesPerRequest: Type.Number({ minimum: 0, ...withDefault('growth per request tolerated before growth across the windows counts as a leak', 1024) }),
    confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, ...withDefault('confidence of the slope interval (Sen\'s interval of the Theil–Sen slope)', 0.95) }),
    snapshots: Type.Boolean(withDefault('on suspicion, take three heap snapshots and name the largest growing retainers', true)),
    sampleInterval: Duration(withDefault('memory sampling interval', '200ms')),
    dataset: Type.Optional(Type.String({ description: 'BEIR folder for request texts, relative to the suite file (default: the ts-api corpus)' })),
    server: serverParams('how the harness starts `embedgate serve` for gguf targets (the cache is off unless cacheMb is set)'),
  },
  { additionalProperties: false },
);

export type MemoryParams = StaticDecode<typeof MEMORY_PARAMS>;
