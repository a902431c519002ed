// The `bench:` block.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { withDefault } from '../params.ts';

export const BENCH_PARAMS = Type.Object(
  {
    batchSize: Type.Integer({ minimum: 1, maximum: 512, ...withDefault('texts per batched call', 8) }),
    time: Duration(withDefault('how long each task runs after warm-up', '2s')),
    warmup: Duration(withDefault('warm-up time per task', '250ms')),
    minIterations: Type.Integer({ minimum: 1, ...withDefault('at least this many calls per task', 10) }),
    texts: Type.Optional(Type.String({ description: 'JSON array of texts to embed, relative to the suite file (default: built-in sample)' })),
  },
  { additionalProperties: false },
);

export type BenchParams = StaticDecode<typeof BENCH_PARAMS>;
