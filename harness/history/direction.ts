// Which way is better for a metric: from its unit (time and bytes cost, rates and scores gain),
// with names that say "error", "invalid", "lost"… always lower-is-better. Counts, ratios and
// multipliers with no such word have no direction: a change is reported as "changed", not judged.
import type { Unit } from '../result.ts';

export type Direction = 'lower' | 'higher' | 'none';

const BAD_THINGS =
  /(^|[._])(errors?|error_rate|invalid|mismatch(es)?|fail(ed|ures?)?|timeouts?|resets?|lost|unanswered|restarts?|drop(ped|s)?|leak\w*|nmse|rejected|corrupt\w*|wrong|slope|growth|5xx|4xx|crash(es)?|violations?)($|[._])/;
const GOOD_RATIOS = /(^|[._])(hit_rate|overlap|recall\w*|precision\w*|success\w*|availability|uptime|answered)($|[._])/;

export function directionOf(name: string, unit: Unit): Direction {
  if (BAD_THINGS.test(name)) return 'lower';
  if (unit === 'ms' || unit === 'bytes') return 'lower';
  if (unit === 'per_second' || unit === 'score') return 'higher';
  if (GOOD_RATIOS.test(name)) return 'higher';
  return 'none';
}
