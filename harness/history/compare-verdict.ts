// One metric of one suite, run(s) A against run(s) B: better, worse, no change, changed (a metric
// with no better direction), or not enough runs / data. The evidence, best first:
//   1. repetitions: with RUN_FLOOR runs per side, Mann–Whitney on the per-run values;
//   2. within a run: a bootstrap interval over the bench calls, or Mann–Whitney over the windows;
//   3. one value per side: equal is no change, anything else is "not enough runs".
// A difference counts only when it is both clear of chance and larger than the noise band: runs on
// one machine drift by several percent (criterion.rs's noise threshold, Google benchmark's U test).
import { hashString } from '../random.ts';
import type { Unit } from '../result.ts';
import { bootstrapRatio, type Statistic } from './bootstrap-ratio.ts';
import type { Evidence } from './compare-evidence.ts';
import { directionOf, type Direction } from './direction.ts';
import { mannWhitney } from './mann-whitney.ts';

export type CompareVerdict = 'better' | 'worse' | 'no change' | 'changed' | 'not enough runs' | 'not enough data';

/** Runs per side below which per-run values are not tested (and one value per side says nothing about noise). */
export const RUN_FLOOR = 5;
/** Windows per side below which per-window values are not tested. */
export const WINDOW_FLOOR = 5;
/** Fewest calls per side for any bootstrap; a percentile needs more (tailSamples). */
export const SAMPLE_FLOOR = 10;
export const ALPHA = 0.05;

export interface MetricComparison {
  metric: string;
  unit: Unit;
  direction: Direction;
  /** Mean over each side's runs of the metric's value. */
  a?: number;
  b?: number;
  /** b / a − 1. */
  change?: number;
  verdict: CompareVerdict;
  /** How the verdict was reached, in one line: the test, the counts, the interval or p-value. */
  evidence: string;
}

export interface MetricSides {
  metric: string;
  unit: Unit;
  /** The metric's value in each run of the side that has it. */
  a: number[];
  b: number[];
  /** Within-run evidence pooled over each side's runs, when every run of the side had it. */
  evidenceA?: Evidence;
  evidenceB?: Evidence;
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Calls per side a statistic needs: a percentile needs about 3 calls beyond it; an extreme needs more than one run can give. */
export function tailSamples(stat: Statistic): number {
  if (stat === 'mean' || stat === 'rate') return SAMPLE_FLOOR;
  const tail = Math.min(stat.percentile, 100 - stat.percentile) / 100;
  return tail <= 0 ? Number.POSITIVE_INFINITY : Math.max(SAMPLE_FLOOR, Math.ceil(3 / tail - 1e-9));
}

/** Maps "B is larger / smaller" onto better or worse by the metric's direction. */
function judged(direction: Direction, sign: number): CompareVerdict {
  if (sign === 0) return 'no change';
  if (direction === 'none') return 'changed';
  return (sign > 0) === (direction === 'higher') ? 'better' : 'worse';
}

/**
 * The noise band as a factor either way: ±10 % means B/A above 1.1 or below 1/1.1, so a 2× slowdown
 * is as far outside a 100 % band in latency (+100 %) as in throughput (−50 %).
 */
export function noiseBand(noise: number): { low: number; high: number } {
  return { low: 1 / (1 + noise) - 1, high: noise };
}

const beyondBand = (change: number, noise: number): number => {
  const band = noiseBand(noise);
  return change > band.high ? 1 : change < band.low ? -1 : 0;
};

function byRanks(a: number[], b: number[], noise: number, what: string): { sign: number; evidence: string } {
  const test = mannWhitney(b, a);
  const ma = median(a);
  const mb = median(b);
  const change = ma === 0 ? (mb === 0 ? 0 : Math.sign(mb) * Number.POSITIVE_INFINITY) : mb / ma - 1;
  const clear = test.p < ALPHA;
  const beyond = beyondBand(change, noise) !== 0;
  const sign = clear && beyond ? Math.sign(change) : 0;
  const why = !clear ? `p ≥ ${ALPHA}` : !beyond ? `within the ±${(noise * 100).toFixed(0)} % noise band` : 'beyond noise';
  return { sign, evidence: `Mann–Whitney over ${a.length} and ${b.length} ${what}: p = ${test.p.toPrecision(2)}, median ${Number.isFinite(change) ? pct(change) : 'from 0'} (${why})` };
}

export function compareMetric(sides: MetricSides, noise: number, seedKey: string): MetricComparison {
  const { metric, unit } = sides;
  const direction = directionOf(metric, unit);
  const base = { metric, unit, direction };
  if (sides.a.length === 0 || sides.b.length === 0) {
    const only = sides.a.length === 0 ? 'B' : 'A';
    return { ...base, ...(sides.a.length ? { a: mean(sides.a) } : {}), ...(sides.b.length ? { b: mean(sides.b) } : {}), verdict: 'not enough data', evidence: `measured only in run ${only}` };
  }
  const a = mean(sides.a);
  const b = mean(sides.b);
  const values = { ...base, a, b, ...(a !== 0 ? { change: b / a - 1 } : {}) };
  const done = (sign: number, evidence: string): MetricComparison => ({ ...values, verdict: judged(direction, sign), evidence });

  if (sides.a.length >= RUN_FLOOR && sides.b.length >= RUN_FLOOR) {
    const r = byRanks(sides.a, sides.b, noise, 'runs');
    return done(r.sign, r.evidence);
  }
  const ea = sides.evidenceA;
  const eb = sides.evidenceB;
  if (ea?.kind === 'samples' && eb?.kind === 'samples') {
    const need = tailSamples(ea.stat);
    if (ea.values.length < need || eb.values.length < need) {
      const reason = Number.isFinite(need) ? `needs ${need} per side` : 'an extreme value has no interval from a few runs';
      return { ...values, verdict: 'not enough data', evidence: `${ea.values.length} and ${eb.values.length} ${ea.what}; ${reason}` };
    }
    const ci = bootstrapRatio(ea.values, eb.values, ea.stat, { seed: hashString(seedKey) });
    if (!Number.isFinite(ci.low) || !Number.isFinite(ci.high)) return { ...values, verdict: 'not enough data', evidence: `run A's value is 0: no relative change` };
    // The whole interval must lie outside the band: one that straddles its edge is noise (criterion.rs does the same).
    const sign = beyondBand(ci.low, noise) > 0 ? 1 : beyondBand(ci.high, noise) < 0 ? -1 : 0;
    const why = sign !== 0 ? 'beyond noise' : ci.low > 0 || ci.high < 0 ? `overlaps the ±${(noise * 100).toFixed(0)} % noise band` : 'includes no change';
    return done(sign, `bootstrap ${Math.round(ci.confidence * 100)} % interval over ${ea.values.length} and ${eb.values.length} ${ea.what}: ${pct(ci.change)} [${pct(ci.low)}, ${pct(ci.high)}] (${why})`);
  }
  if (ea?.kind === 'windows' && eb?.kind === 'windows') {
    if (ea.values.length < WINDOW_FLOOR || eb.values.length < WINDOW_FLOOR) {
      return { ...values, verdict: 'not enough data', evidence: `${ea.values.length} and ${eb.values.length} ${ea.what ?? 'windows'}; ${WINDOW_FLOOR} per side are needed` };
    }
    const r = byRanks(ea.values, eb.values, noise, ea.what ?? 'windows');
    return done(r.sign, r.evidence);
  }
  if ([...sides.a, ...sides.b].every((v) => v === sides.a[0])) return done(0, `the same value in all ${sides.a.length + sides.b.length} run(s)`);
  return {
    ...values,
    verdict: 'not enough runs',
    evidence: `one value per run (${sides.a.length} and ${sides.b.length} run(s)); ${RUN_FLOOR} runs per side are needed to tell a change of ${a !== 0 ? pct(b / a - 1) : 'this size'} from noise`,
  };
}
