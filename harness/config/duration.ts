// Durations as written in YAML ("250ms", "2s", "5m", "1h"): the one pattern, the one parser, and
// the TypeBox type that parameter schemas use, so a suite's plan carries milliseconds.
import type { TString, TTransform } from '@sinclair/typebox';
import { Type } from '../kinds/typebox.ts';

/** A duration written in YAML: "250ms", "2s", "5m", "1h". */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';

export const DURATION_EXPECTED = 'a number followed by ms, s, m or h, e.g. 250ms, 2s, 5m';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const PATTERN = new RegExp(DURATION_PATTERN);

/** Milliseconds, or undefined when the text is not a duration (schema validation reports it). */
export function parseDuration(text: string): number | undefined {
  if (!PATTERN.test(text)) return undefined;
  const [, amount, unit] = /^([0-9.]+)([a-z]+)$/.exec(text)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

export type TDuration = TTransform<TString, number>;

/**
 * A duration parameter: JSON Schema `{ type: string, pattern }` for validation and editors, decoded
 * to milliseconds. `options` carries the description and, when it has one, the default ("2s").
 */
export function Duration(options: { description: string; default?: string }): TDuration {
  return Type.Transform(Type.String({ pattern: DURATION_PATTERN, ...options }))
    .Decode((text) => parseDuration(text)!)
    .Encode((ms) => `${ms}ms`);
}

