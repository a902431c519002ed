// How numbers look wherever people read them: check details, the console, summary.md and
// report.html. Pure functions from base units (ms, bytes) to short strings, in one place so a
// value never reads as 460 MiB in a check and 483 MB in the table beside it.
import type { MetricValue, Unit } from './result.ts';

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

/** 850 ns · 6.05 µs · 0.42 ms · 12.3 ms · 1.24 s · 2.5 min · 1.5 h */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 1e-3) return `${formatNumber(ms * 1e6)} ns`;
  if (abs < 0.1) return `${formatNumber(ms * 1e3)} µs`;
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

/** Scores (cosine, nDCG) are compared against thresholds like 0.999: three digits would print 0.999 for 0.99893. */
export function formatScore(score: number): string {
  return formatNumber(score, 6);
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
