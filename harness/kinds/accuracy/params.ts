// The `accuracy:` block.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { withDefault } from '../params.ts';

export const ACCURACY_PARAMS = Type.Object(
  {
    golden: Type.String({ description: 'golden vector file written by `embedgate record-golden`, relative to the suite file' }),
    allowOtherModel: Type.Boolean(withDefault('compare even when the golden file was recorded for a different model sha256', false)),
  },
  { additionalProperties: false },
);

export type AccuracyParams = StaticDecode<typeof ACCURACY_PARAMS>;
