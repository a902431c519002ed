// Durations in the swarm block ("250ms", "45s", "5m", "24h"), as in every suite. Kept here rather
// than imported from harness/config because harness/kinds.ts imports this kind's schema.
export const SWARM_DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseSwarmDuration(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/.exec(text);
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2]!]!) : undefined;
}
