// The mapping form of a check (`- check: …, over: windows, last: 5, abortOnFail: true`) read into
// a WindowRule. The schema has already checked each key's type; this checks what a schema cannot:
// rules that could never pass or options that do nothing.
import type { WindowRule } from '../plan.ts';
import { DURATION_PATTERN, parseDuration } from './duration.ts';
import type { ConfigError } from './errors.ts';
import { formatPath, positionOf, type YamlSource } from './yaml-source.ts';

/**
 * JSON Schema of one item of `checks:`: a string (judged once, when the suite ends) or the mapping
 * form of a check over windows. Type-specific keywords apply only to their type, so one schema
 * serves both and ajv's errors stay plain.
 */
export const CHECK_ITEM_SCHEMA: Record<string, unknown> = {
  type: ['string', 'object'],
  description: 'a check, "latency.p95 <= 2s", or { check, over: windows, last?, minWindows?, abortOnFail?, abortGrace? } for a check judged on every window as it closes',
  minLength: 1,
  additionalProperties: false,
  required: ['check', 'over'],
  properties: {
    check: { type: 'string', minLength: 1, description: 'one comparison between two expressions over window metrics, e.g. latency.p95 <= 2s' },
    over: { enum: ['windows'], description: 'windows: judged on every window of the suite\'s own target as it closes' },
    last: { type: 'integer', minimum: 1, description: 'only the last N windows count for the final status (default: every window)' },
    minWindows: { type: 'integer', minimum: 1, description: 'fewer judged windows than this leave the check inconclusive (default 1)' },
    abortOnFail: { type: 'boolean', description: 'a failing window stops the suite at once, and the suite fails (default false)' },
    abortGrace: { type: 'string', pattern: DURATION_PATTERN, description: 'windows that end sooner than this after the suite started never stop it, e.g. 1m (default 0)' },
  },
};

export function readWindowRule(source: YamlSource, index: number, item: Record<string, unknown>): { rule: WindowRule; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  const error = (key: string, message: string, expected: string): void => {
    const segments = ['checks', index, key];
    errors.push({ file: source.file, ...positionOf(source, segments), path: formatPath(segments), message, expected });
  };
  const integer = (key: string): number | undefined => (Number.isInteger(item[key]) && (item[key] as number) >= 1 ? (item[key] as number) : undefined);
  const last = integer('last');
  const minWindows = integer('minWindows') ?? 1;
  const abortOnFail = item['abortOnFail'] === true;
  const grace = typeof item['abortGrace'] === 'string' ? parseDuration(item['abortGrace']) : undefined;

  if (last !== undefined && last < minWindows) {
    error('last', `last: ${last} counts fewer windows than minWindows: ${minWindows}, so the check could never pass`, `last of at least ${minWindows}, or a smaller minWindows`);
  }
  if (item['abortGrace'] !== undefined && !abortOnFail) {
    error('abortGrace', 'abortGrace only delays an abort, and this check has no abortOnFail: true', 'abortOnFail: true beside abortGrace, or no abortGrace');
  }
  return {
    rule: { ...(last !== undefined ? { last } : {}), minWindows, abortOnFail, abortGraceMs: grace ?? 0 },
    errors,
  };
}
