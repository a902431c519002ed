// Durations as written in YAML ("250ms", "2s", "5m", "1h"), turned into milliseconds for the plan.
import { DURATION_PATTERN } from '../kinds.ts';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const PATTERN = new RegExp(DURATION_PATTERN);

/** Milliseconds, or undefined when the text is not a duration (schema validation reports it). */
export function parseDuration(text: string): number | undefined {
  if (!PATTERN.test(text)) return undefined;
  const [, amount, unit] = /^([0-9.]+)([a-z]+)$/.exec(text)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

export const DURATION_EXPECTED = 'a number followed by ms, s, m or h, e.g. 250ms, 2s, 5m';
