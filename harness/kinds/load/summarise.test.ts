import { describe, expect, it } from 'vitest';
import type { PhaseResult } from '../../http-client/phase.ts';
import type { CeilingResult } from '../../targets/target.ts';
import type { SideMeasurements } from './side-run.ts';
import { summarise } from './summarise.ts';
import { phaseResult } from './testing/phase-result.ts';

const side = (phases: Record<string, PhaseResult[]>, over: Partial<SideMeasurements> = {}): SideMeasurements => ({
  label: 'gguf:candidate',
  url: 'http://127.0.0.1:1',
  phases: new Map(Object.entries(phases)),
  recoveries: [],
  ceilings: [],
  crashes: { count: 0, lines: [] },
  oom: [],
  oomWatched: true,
  ...over,
});

const ceiling = (ceilingRps: number, sequentialRps: number): CeilingResult => ({ ceilingRps, sequentialRps, contexts: 2 }) as CeilingResult;

describe('summarise', () => {
  it('averages throughput over rounds, merges latency, and relates closed to sequential and to the ceiling', () => {
    const s = summarise(
      side(
        {
          sequential: [phaseResult('sequential', { throughputRps: 10, latencies: [5, 5, 5] }), phaseResult('sequential', { throughputRps: 14, latencies: [7] })],
          closed: [phaseResult('closed', { throughputRps: 30, latencies: [40, 60], targetCpu: { server: 0.5, worker: 1.5 } }), phaseResult('closed', { throughputRps: 50, latencies: [50] })],
        },
        { ceilings: [ceiling(100, 20), ceiling(80, 10), ceiling(90, 30)] },
      ),
      0.9,
    );
    expect(s.metrics['sequential.throughput.rps']).toEqual({ value: 12, unit: 'per_second' });
    expect(s.metrics['throughput.rps']!.value).toBe(40);
    expect(s.metrics['throughput.ratio_to_sequential']!.value).toBeCloseTo(40 / 12);
    expect(s.metrics['latency.max']!.value).toBeCloseTo(60, 0);
    expect(s.metrics['latency.min']!.value).toBeCloseTo(40, 0);
    expect(s.metrics['sequential.latency.p50']!.value).toBeCloseTo(5, 1);
    expect(s.metrics['target.cpu.cores']!.value).toBe(2);
    // Ceiling figures are medians over rounds, in their own scope and under this side's names.
    expect(s.ceiling).toEqual({
      'throughput.rps': { value: 90, unit: 'per_second' },
      'sequential.throughput.rps': { value: 20, unit: 'per_second' },
      'throughput.ratio_to_sequential': { value: 4.5, unit: 'ratio' },
      contexts: { value: 2, unit: 'count' },
    });
    expect(s.metrics['inprocess.throughput.rps']!.value).toBe(90);
    expect(s.metrics['throughput.share_of_ceiling']!.value).toBeCloseTo(40 / 90);
    expect(s.metrics['memory.oom']!.value).toBe(0);
  });

  it('counts errors over the measured phases only, and overload refusals apart from failures', () => {
    const errors = { status: 2, timeout: 1, reset: 0, connection: 1, lost: 0, unanswered: 0 };
    const s = summarise(
      side(
        {
          closed: [phaseResult('closed', { requests: 100, errors })],
          overload: [phaseResult('overload', { requests: 200, rate: 80, rejected: 50, rejectedWithoutRetryAfter: 2, errors: { ...errors, status: 55 } })],
        },
        { capacity: 40, recoveries: [{ recovered: true, ms: 1200, windows: 2 }, { recovered: false, ms: 30_000, windows: 30 }] },
      ),
      0.9,
    );
    expect(s.metrics['requests']!.value).toBe(100);
    expect(s.metrics['errors.total']!.value).toBe(4);
    expect(s.metrics['errors.rate']!.value).toBeCloseTo(0.04);
    expect(s.metrics['errors.status']!.value).toBe(2);
    expect(s.metrics['overload.capacity.rps']!.value).toBe(40);
    expect(s.metrics['overload.rejected.rate']!.value).toBeCloseTo(0.25);
    expect(s.metrics['overload.failures']!.value).toBe(57 - 50);
    expect(s.metrics['overload.rejected_without_retry_after']!.value).toBe(2);
    // Every overload must recover for recovered = 1; the recovery time is the worst one.
    expect(s.metrics['overload.recovered']!.value).toBe(0);
    expect(s.metrics['overload.recovery']).toEqual({ value: 30_000, unit: 'ms' });
  });

  it('reads open-model latency from the corrected histogram and keeps the uncorrected p99 beside it', () => {
    const s = summarise(side({ open: [phaseResult('open', { rate: 20, latencies: [10, 10, 10, 10], corrected: [10, 10, 200, 400] })] }), 0.9);
    expect(s.metrics['open.rate']!.value).toBe(20);
    expect(s.metrics['open.latency.max']!.value).toBeCloseTo(400, 0);
    expect(s.metrics['open.latency_uncorrected.p99']!.value).toBeCloseTo(10, 1);
  });

  it('leaves throughput out, with the reason, when the generator was saturated in a closed phase', () => {
    const busy = { cpuCores: 0.97, eventLoopUtilization: 0.99, saturated: true };
    const s = summarise(side({ sequential: [phaseResult('sequential')], closed: [phaseResult('closed', { generator: busy })] }), 0.9);
    expect(s.metrics['throughput.rps']).toBeUndefined();
    expect(s.metrics['sequential.throughput.rps']).toBeUndefined();
    expect(s.metrics['latency.p95']).toBeDefined();
    expect(s.metrics['generator.saturated']!.value).toBe(1);
    expect(s.unmeasured['throughput.rps']).toMatch(/saturated \(0\.97 cores ≥ 0\.9 in phase closed\)/);
  });

  it('says why memory is missing, and does not claim zero OOM events where none could be seen', () => {
    const s = summarise(side({ closed: [phaseResult('closed')] }, { memoryUnavailable: 'the target runs on another machine', oomWatched: false }), 0.9);
    expect(s.unmeasured['memory.rss.peak']).toBe('the target runs on another machine');
    expect(s.metrics['memory.oom']).toBeUndefined();
    expect(s.ceiling).toBeUndefined();
  });
});
