// Units that may follow a number in a check, and how values are shown back to people.
// Values are always held in base units (ms for time, bytes for bytes), matching result.ts.
import type { Dimension, Unit } from '../result.ts';

export interface UnitSpec {
  /** Written number × factor ÷ divisor = base units. Two numbers, so 70% is exactly 0.7, not 0.7000000000000001. */
  factor: number;
  divisor?: number;
  dimension: Dimension;
}

const KB = 1000;
const KIB = 1024;

export const CHECK_UNITS: Record<string, UnitSpec> = {
  ns: { factor: 1, divisor: 1e6, dimension: 'time' },
  us: { factor: 1, divisor: 1e3, dimension: 'time' },
  µs: { factor: 1, divisor: 1e3, dimension: 'time' },
  ms: { factor: 1, dimension: 'time' },
  s: { factor: 1000, dimension: 'time' },
  m: { factor: 60_000, dimension: 'time' },
  h: { factor: 3_600_000, dimension: 'time' },
  B: { factor: 1, dimension: 'bytes' },
  KB: { factor: KB, dimension: 'bytes' },
  MB: { factor: KB ** 2, dimension: 'bytes' },
  GB: { factor: KB ** 3, dimension: 'bytes' },
  TB: { factor: KB ** 4, dimension: 'bytes' },
  KiB: { factor: KIB, dimension: 'bytes' },
  MiB: { factor: KIB ** 2, dimension: 'bytes' },
  GiB: { factor: KIB ** 3, dimension: 'bytes' },
  TiB: { factor: KIB ** 4, dimension: 'bytes' },
  '%': { factor: 1, divisor: 100, dimension: 'none' },
  x: { factor: 1, dimension: 'none' },
};

/** A written number in base units. */
export function toBaseUnits(amount: number, unit: UnitSpec | undefined): number {
  return unit === undefined ? amount : (amount * unit.factor) / (unit.divisor ?? 1);
}

/** The dimension a metric of this display unit has; only time and bytes carry one. */
export function dimensionOfUnit(unit: Unit): Dimension {
  if (unit === 'ms') return 'time';
  if (unit === 'bytes') return 'bytes';
  return 'none';
}

/** Three significant digits, never exponent notation for ordinary magnitudes (12.3, 8.10, 583, 12345). */
export function formatNumber(value: number, significant = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 10 ** significant) return Math.round(value).toString();
  if (abs < 1e-4) return value.toExponential(significant - 1);
  return value.toPrecision(significant);
}

function formatTime(ms: number): string {
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 1e-3) return `${formatNumber(ms * 1e6)} ns`;
  if (abs < 1) return `${formatNumber(ms * 1e3)} µs`;
  if (abs < 1000) return `${formatNumber(ms)} ms`;
  if (abs < 60_000) return `${formatNumber(ms / 1000)} s`;
  if (abs < 3_600_000) return `${formatNumber(ms / 60_000)} min`;
  return `${formatNumber(ms / 3_600_000)} h`;
}

function formatBytes(bytes: number): string {
  const steps = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let step = 0;
  while (Math.abs(value) >= 1024 && step < steps.length - 1) {
    value /= 1024;
    step++;
  }
  return step === 0 ? `${Math.round(value)} B` : `${formatNumber(value)} ${steps[step]}`;
}

/** A metric value in its own unit: 12.3 ms, 1.50 GiB, 0.500%, 583 /s, 0.999312. */
export function formatMetricValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return formatTime(value);
    case 'bytes':
      return formatBytes(value);
    case 'ratio':
      return `${formatNumber(value * 100)}%`;
    case 'per_second':
      return `${formatNumber(value)} /s`;
    case 'count':
      return Number.isInteger(value) ? String(value) : formatNumber(value);
    case 'multiplier':
      return `${formatNumber(value)}x`;
    case 'score':
      // Scores are compared against thresholds like 0.999: three digits would print 0.999 for 0.99893.
      return Number(value.toPrecision(6)).toString();
  }
}

/** A computed value, of which only the dimension is known. */
export function formatByDimension(value: number, dimension: Dimension): string {
  if (dimension === 'time') return formatTime(value);
  if (dimension === 'bytes') return formatBytes(value);
  return Number(value.toPrecision(6)).toString();
}
