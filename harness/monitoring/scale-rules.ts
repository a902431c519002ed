// Rules meant for hours, scaled to fire in a short run: every `for:`, group `interval:` and range
// selector (`[5m]`, subqueries `[1d:1m]`) multiplied by `scale`, with floors a 1 s scrape can
// honour (a range needs a few samples). The report states the scale.
import { parse, stringify } from 'yaml';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration ("1h30m", "5m", "250ms") in ms; undefined if it is not one. */
export function promDurationMs(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

const promDuration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`);

export const RANGE_FLOOR_MS = 4000;
export const FOR_FLOOR_MS = 1000;

function scaled(ms: number, scale: number, floorMs: number): number {
  return ms === 0 ? 0 : Math.max(floorMs, Math.round((ms * scale) / 100) * 100);
}

/** Range selectors and subqueries inside an expression, scaled. */
export function scaleExpr(expr: string, scale: number): string {
  return expr.replace(/\[([0-9a-z]+)(?::([0-9a-z]*))?\]/g, (whole, range: string, step: string | undefined) => {
    const r = promDurationMs(range);
    if (r === undefined) return whole;
    const s = step ? promDurationMs(step) : undefined;
    const rs = promDuration(scaled(r, scale, RANGE_FLOOR_MS));
    return step === undefined ? `[${rs}]` : `[${rs}:${s === undefined ? step : promDuration(scaled(s, scale, FOR_FLOOR_MS))}]`;
  });
}

interface RuleGroup {
  name: string;
  interval?: string;
  rules: { alert?: string; record?: string; expr: string; for?: string }[];
}

export function scaleRules(yamlText: string, scale: number): string {
  const doc = parse(yamlText) as { groups: RuleGroup[] };
  for (const group of doc.groups) {
    if (group.interval) group.interval = promDuration(scaled(promDurationMs(group.interval) ?? 60_000, scale, FOR_FLOOR_MS));
    for (const rule of group.rules) {
      rule.expr = scaleExpr(String(rule.expr), scale);
      if (rule.for) rule.for = promDuration(scaled(promDurationMs(rule.for) ?? 0, scale, FOR_FLOOR_MS));
    }
  }
  return stringify(doc);
}
