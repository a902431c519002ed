// The compare verdict on samples drawn from known distributions: same distribution is no change,
// a shift beyond the noise band is worse or better by the metric's direction, and too few calls,
// windows or runs say so instead of guessing.
import { describe, expect, it } from 'vitest';
import { Prng } from '../random.ts';
import type { Statistic } from './bootstrap-ratio.ts';
import { compareMetric, RUN_FLOOR, tailSamples, type MetricSides } from './compare-verdict.ts';
import { mannWhitney } from './mann-whitney.ts';

/** Latency-like samples: a floor plus an exponential tail, seeded. */
function latencies(n: number, seed: number, scale = 1): number[] {
  const prng = new Prng(seed);
  return Array.from({ length: n }, () => scale * (20 - 4 * Math.log(1 - prng.next())));
}

const bench = (metric: string, a: number[], b: number[], stat: Statistic): MetricSides => ({
  metric,
  unit: metric.endsWith('throughput') ? 'per_second' : 'ms',
  a: [1],
  b: [1.5],
  evidenceA: { kind: 'samples', values: a, stat, what: 'bench calls' },
  evidenceB: { kind: 'samples', values: b, stat, what: 'bench calls' },
});

describe('compareMetric', () => {
  it('says no change for two samples of the same distribution', () => {
    const r = compareMetric(bench('single.latency.p50', latencies(200, 1), latencies(200, 2), { percentile: 50 }), 0.1, 'k');
    expect(r.verdict).toBe('no change');
    expect(r.evidence).toMatch(/bootstrap 95 % interval over 200 and 200 bench calls/);
  });

  it('says worse for latency 40 % slower and better for it 40 % faster, beyond a 10 % band', () => {
    expect(compareMetric(bench('single.latency.p50', latencies(200, 1), latencies(200, 2, 1.4), { percentile: 50 }), 0.1, 'k').verdict).toBe('worse');
    expect(compareMetric(bench('single.latency.p50', latencies(200, 1, 1.4), latencies(200, 2), { percentile: 50 }), 0.1, 'k').verdict).toBe('better');
  });

  it('reads throughput the other way round: slower calls are fewer per second, and that is worse', () => {
    expect(compareMetric(bench('single.throughput', latencies(200, 1), latencies(200, 2, 1.4), 'rate'), 0.1, 'k').verdict).toBe('worse');
  });

  it('applies the noise band as a factor both ways: 3× slower is beyond ±100 % in latency (+200 %) and in throughput (−67 %)', () => {
    expect(compareMetric(bench('single.latency.mean', latencies(200, 1), latencies(200, 2, 3), 'mean'), 1, 'k').verdict).toBe('worse');
    expect(compareMetric(bench('single.throughput', latencies(200, 1), latencies(200, 2, 3), 'rate'), 1, 'k').verdict).toBe('worse');
  });

  it('calls a clear 40 % shift no change when the noise band is wider', () => {
    expect(compareMetric(bench('single.latency.p50', latencies(200, 1), latencies(200, 2, 1.4), { percentile: 50 }), 0.6, 'k').verdict).toBe('no change');
  });

  it('needs calls beyond a percentile: p99 of 100 calls is not enough data, the maximum never is', () => {
    expect(tailSamples({ percentile: 99 })).toBe(300);
    const p99 = compareMetric(bench('single.latency.p99', latencies(100, 1), latencies(100, 2, 3), { percentile: 99 }), 0.1, 'k');
    expect(p99.verdict).toBe('not enough data');
    expect(p99.evidence).toContain('needs 300 per side');
    expect(compareMetric(bench('single.latency.max', latencies(5000, 1), latencies(5000, 2), { percentile: 100 }), 0.1, 'k').verdict).toBe('not enough data');
  });

  it('tests windows with Mann–Whitney, from five per side', () => {
    const windows = (values: number[]) => ({ kind: 'windows' as const, values });
    const sides = (a: number[], b: number[]): MetricSides => ({ metric: 'latency.p95', unit: 'ms', a: [1], b: [2], evidenceA: windows(a), evidenceB: windows(b) });
    expect(compareMetric(sides([10, 11, 12], [30, 31, 32]), 0.1, 'k').verdict).toBe('not enough data');
    const worse = compareMetric(sides([10, 11, 12, 13, 14], [30, 31, 32, 33, 34]), 0.1, 'k');
    expect(worse.verdict).toBe('worse');
    expect(worse.evidence).toMatch(/Mann–Whitney over 5 and 5 windows: p = 0.0079/);
    expect(compareMetric(sides([10, 12, 14, 16, 18], [11, 13, 15, 17, 19]), 0.1, 'k').verdict).toBe('no change');
  });

  it('one value per run: equal is no change, different is not enough runs, five runs per side are tested', () => {
    const scalar = (a: number[], b: number[]): MetricSides => ({ metric: 'ndcg_at_10', unit: 'score', a, b });
    expect(compareMetric(scalar([0.5], [0.5]), 0.1, 'k').verdict).toBe('no change');
    const one = compareMetric(scalar([0.5], [0.3]), 0.1, 'k');
    expect(one.verdict).toBe('not enough runs');
    expect(one.evidence).toContain(`${RUN_FLOOR} runs per side are needed`);
    expect(compareMetric(scalar([0.5, 0.51, 0.49, 0.5, 0.52], [0.3, 0.31, 0.29, 0.3, 0.32]), 0.1, 'k').verdict).toBe('worse');
    expect(compareMetric(scalar([0.5, 0.51, 0.49], [0.3, 0.31, 0.29]), 0.1, 'k').verdict).toBe('not enough runs');
  });

  it('has no better direction for a plain count: a clear change is "changed"', () => {
    const r = compareMetric({ metric: 'items', unit: 'count', a: [1, 1, 1, 1, 1], b: [5, 6, 7, 8, 9] }, 0.1, 'k');
    expect(r.verdict).toBe('changed');
  });
});

describe('mannWhitney', () => {
  it('gives the exact two-sided p of complete separation, 2 / C(10, 5)', () => {
    expect(mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).p).toBeCloseTo(2 / 252, 6);
  });

  it('agrees with the normal approximation on larger samples with ties', () => {
    const a = [...latencies(60, 3)].map(Math.round);
    const b = [...latencies(60, 4, 1.3)].map(Math.round);
    const r = mannWhitney(a, b);
    expect(r.method).toBe('normal');
    expect(r.p).toBeLessThan(0.01);
    expect(mannWhitney(a, a).p).toBeGreaterThan(0.9);
  });
});
