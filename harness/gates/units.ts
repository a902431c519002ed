// Units that may follow a number in a check. Values are always held in base units (ms for time,
// bytes for bytes), matching result.ts; they are shown back to people by ../format.ts.
import { formatBytes, formatMs, formatScore } from '../format.ts';
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

/** A computed value, of which only the dimension is known. */
export function formatByDimension(value: number, dimension: Dimension): string {
  if (dimension === 'time') return formatMs(value);
  if (dimension === 'bytes') return formatBytes(value);
  return formatScore(value);
}
