// How numbers look in every report. Pure functions from base units (ms, bytes) to short strings,
// shared by all reporters so the console, markdown and HTML never disagree about a value.
import type { CheckStatus, MetricValue, SuiteOutcome, Unit } from '../result.ts';

/** `significant` digits, no exponent for everyday magnitudes, thousands grouped above 1000. */
export function formatNumber(value: number, significant = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value < 0) return `-${formatNumber(-value, significant)}`;
  if (value >= 10 ** significant) return groupThousands(Math.round(value));
  return String(Number(value.toPrecision(significant)));
}

function groupThousands(integer: number): string {
  return String(integer).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0.42 ms · 12.3 ms · 1.24 s · 2.5 min · 1.5 h */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${formatNumber(ms)} ms`;
  if (abs < 60_000) return `${formatNumber(ms / 1000)} s`;
  if (abs < 3_600_000) return `${formatNumber(ms / 60_000)} min`;
  return `${formatNumber(ms / 3_600_000)} h`;
}

const BYTE_UNITS = ['kB', 'MB', 'GB', 'TB'] as const;

/** Decimal (SI) units, as model sizes are usually quoted: 90 MB, 4.4 GB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  if (Math.abs(value) < 1000) return `${formatNumber(value)} B`;
  let unit: string = 'B';
  for (const next of BYTE_UNITS) {
    if (Math.abs(value) < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${formatNumber(value)} ${unit}`;
}

/** Four significant digits so 99.95% and 99.9% stay apart (availability gates live there). */
export function formatRatio(ratio: number): string {
  return `${formatNumber(ratio * 100, 4)}%`;
}

export function formatPerSecond(rate: number): string {
  return `${formatNumber(rate)}/s`;
}

export function formatCount(count: number): string {
  return Number.isInteger(count) ? groupThousands(count) : formatNumber(count);
}

/** Scores (cosine, nDCG) are compared against thresholds like 0.999: keep five digits. */
export function formatScore(score: number): string {
  return formatNumber(score, 5);
}

const BY_UNIT: Record<Unit, (value: number) => string> = {
  ms: formatMs,
  bytes: formatBytes,
  ratio: formatRatio,
  count: formatCount,
  per_second: formatPerSecond,
  score: formatScore,
  multiplier: (value) => `${formatNumber(value)}x`,
};

export function formatValue(value: number, unit: Unit): string {
  return (BY_UNIT[unit] ?? formatScore)(value);
}

export function formatMetric(metric: MetricValue): string {
  return formatValue(metric.value, metric.unit);
}

/** Short enough for a table cell, long enough to tell models apart. */
export function shortSha(sha256: string, length = 12): string {
  return sha256.slice(0, length);
}

/** What each exit code means, as DESIGN.md defines them. */
export function describeExitCode(code: number): string {
  switch (code) {
    case 0: return 'pass';
    case 1: return 'gate failed';
    case 2: return 'bad configuration or usage';
    case 3: return 'inconclusive or harness error';
    default: return 'unknown exit code';
  }
}

export const CHECK_SYMBOL: Record<CheckStatus, string> = { pass: '✓', fail: '✗', inconclusive: '?' };

export const OUTCOME_SYMBOL: Record<SuiteOutcome, string> = { pass: '✓', fail: '✗', inconclusive: '?', error: '!' };

/** Metric names sorted so related ones sit together (single.latency.p50 before p95 before p99). */
export function sortMetricNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
