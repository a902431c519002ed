// `embedgate run|gate --duration 24h`: the length of every suite whose kind takes a `duration`
// parameter (soak), for this run only. It says which suites it changed, and a run whose files have
// no such suite is a usage error rather than a silent no-op.
import { parseDuration } from '../config/duration.ts';
import { kindNamed } from '../kinds/registry.ts';
import type { SuitePlan } from '../plan.ts';
import { UsageError } from './options.ts';

/** Room after the load for start-up, capacity measurement and the report. */
const TIMEOUT_MARGIN_MS = 30 * 60_000;

const takesDuration = (plan: SuitePlan) => {
  const schema = kindNamed(plan.kind)?.params as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties?.['duration'] !== undefined && typeof plan.params['duration'] === 'number';
};

/** Sets the duration of the suites that take one; returns one line per suite changed, for stderr. */
export function applyDurationOverride(text: string, suites: SuitePlan[]): string[] {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`--duration expects a duration such as 90s, 10m or 24h, got "${text}"`);
  const changed = suites.filter(takesDuration);
  if (changed.length === 0) {
    throw new UsageError(`--duration ${text}: none of these suites takes a duration (only soak suites do: ${suites.map((s) => `${s.name} is ${s.kind}`).join(', ')})`);
  }
  return changed.map((plan) => {
    const before = plan.params['duration'] as number;
    plan.params['duration'] = ms;
    let line = `--duration ${text}: suite ${plan.name} (${plan.kind}, ${plan.file}) runs ${text} instead of ${before / 60_000} min`;
    if (plan.timeoutMs < ms + TIMEOUT_MARGIN_MS) {
      plan.timeoutMs = ms + TIMEOUT_MARGIN_MS;
      line += `; its timeout is raised to ${Math.round(plan.timeoutMs / 60_000)} min`;
    }
    return line;
  });
}
