import { describe, expect, it } from 'vitest';
import type { SuiteResult } from '../result.ts';
import { loadRoundValues } from './load-evidence.ts';

const row = (phase: string, rps: number, p95: number) => ({ phase, throughputRps: rps, latencyMs: { p50: p95 / 2, p95 } });
const suite = (kind: string): SuiteResult =>
  ({
    name: 's',
    kind,
    details: {
      target: { phases: [row('warmup', 1, 1), row('closed', 10, 100), row('open', 7, 70), row('closed', 12, 120)] },
      compare: { phases: [row('closed', 20, 50), row('closed', 22, 55)] },
    },
  }) as unknown as SuiteResult;

describe('loadRoundValues', () => {
  it("reads each round of the metric's phase, and the compare target's for baseline.", () => {
    expect(loadRoundValues(suite('load'), 'throughput.rps')).toEqual([10, 12]);
    expect(loadRoundValues(suite('load'), 'latency.p95')).toEqual([100, 120]);
    expect(loadRoundValues(suite('load'), 'open.latency.p50')).toEqual([35]);
    expect(loadRoundValues(suite('load'), 'baseline.throughput.rps')).toEqual([20, 22]);
  });

  it('has nothing for other metrics, phases that did not run, or other kinds', () => {
    expect(loadRoundValues(suite('load'), 'errors.rate')).toBeUndefined();
    expect(loadRoundValues(suite('load'), 'latency.mean')).toBeUndefined();
    expect(loadRoundValues(suite('load'), 'sequential.throughput.rps')).toBeUndefined();
    expect(loadRoundValues(suite('soak'), 'throughput.rps')).toBeUndefined();
  });
});
