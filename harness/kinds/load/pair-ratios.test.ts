import { describe, expect, it } from 'vitest';
import { pairRatios } from './pair-ratios.ts';
import { phaseResult } from './testing/phase-result.ts';

describe('pairRatios', () => {
  it('takes the median ratio over rounds and the worst p95 ratio', () => {
    const target = [phaseResult('closed', { throughputRps: 90, latencies: [20] }), phaseResult('closed', { throughputRps: 100, latencies: [30] }), phaseResult('closed', { throughputRps: 40, latencies: [90] })];
    const compare = [phaseResult('closed', { throughputRps: 100, latencies: [20] }), phaseResult('closed', { throughputRps: 100, latencies: [20] }), phaseResult('closed', { throughputRps: 100, latencies: [30] })];
    const m = pairRatios(target, compare);
    expect(m['throughput.rps.vs_baseline']).toEqual({ value: 0.9, unit: 'ratio' });
    expect(m['latency.p95.vs_baseline']!.value).toBeCloseTo(1.5, 2);
    expect(m['latency.p95.vs_baseline.worst']!.value).toBeCloseTo(3, 2);
  });

  it('pairs only rounds both sides ran, and gives nothing without a pair', () => {
    const one = [phaseResult('closed', { throughputRps: 50 })];
    expect(pairRatios(one, [...one, phaseResult('closed', { throughputRps: 1 })])['throughput.rps.vs_baseline']!.value).toBe(1);
    expect(pairRatios(one, [])).toEqual({});
  });
});
