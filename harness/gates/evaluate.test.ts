import { describe, expect, it } from 'vitest';
import type { Metrics } from '../result.ts';
import { evaluateCheck } from './evaluate.ts';
import { parseCheck } from './parse.ts';
import type { EvaluationContext } from './expression.ts';

const self: Metrics = {
  'single.latency.p95': { value: 12.3, unit: 'ms' },
  'batch.throughput': { value: 583, unit: 'per_second' },
  'errors.rate': { value: 0.005, unit: 'ratio' },
  'memory.rss.peak': { value: 1.5 * 1024 ** 3, unit: 'bytes' },
  'cosine.min': { value: 0.99893, unit: 'score' },
  zero: { value: 0, unit: 'count' },
};
const baseline: Metrics = {
  'single.latency.p95': { value: 8.1, unit: 'ms' },
  'batch.throughput': { value: 600, unit: 'per_second' },
};
const machine: Metrics = { memory: { value: 4 * 1024 ** 3, unit: 'bytes' }, cores: { value: 2, unit: 'count' } };

const run = (source: string, context: EvaluationContext = { self, baseline, machine }) => evaluateCheck(parseCheck(source), context);

describe('evaluateCheck', () => {
  it('passes and shows substituted values with units', () => {
    const result = run('single.latency.p95 <= 2 * baseline.single.latency.p95');
    expect(result).toMatchObject({ status: 'pass', operator: '<=', left: 12.3, right: 16.2 });
    expect(result.detail).toBe('single.latency.p95 12.3 ms <= 2 × 8.1 ms = 16.2 ms');
  });

  it('fails when the comparison does not hold', () => {
    const result = run('single.latency.p95 <= 1.2 * baseline.single.latency.p95');
    expect(result.status).toBe('fail');
    expect(result.detail).toBe('single.latency.p95 12.3 ms <= 1.2 × 8.1 ms = 9.72 ms');
  });

  it.each([
    ['errors.rate < 1%', 'pass', 'errors.rate 0.5% < 1%'],
    ['batch.throughput >= 0.9 * baseline.batch.throughput', 'pass', 'batch.throughput 583/s >= 0.9 × 600/s = 540'],
    ['memory.rss.peak < 70% * machine.memory', 'pass', 'memory.rss.peak 1.61 GB < 70% × 4.29 GB = 3.01 GB'],
    ['cosine.min >= 0.999', 'fail', 'cosine.min 0.99893 >= 0.999'],
    ['single.latency.p95 <= 10ms', 'fail', 'single.latency.p95 12.3 ms <= 10ms'],
    ['single.latency.p95 - (baseline.single.latency.p95 - 1ms) < 5ms', 'fail', '12.3 ms - (8.1 ms - 1ms) = 5.2 ms < 5ms'],
    ['machine.cores == 2', 'pass', 'machine.cores 2 == 2'],
    ['machine.cores != 2', 'fail', 'machine.cores 2 != 2'],
  ])('%s → %s', (source, status, detail) => {
    const result = run(source);
    expect(result.status).toBe(status);
    expect(result.detail).toBe(detail);
  });

  it('is inconclusive, never pass, when a metric was not measured', () => {
    const result = run('latency.p99 <= 50ms');
    expect(result.status).toBe('inconclusive');
    expect(result.detail).toContain('latency.p99');
    expect(result.left).toBeUndefined();
  });

  it('is inconclusive without baseline metrics, naming every missing metric', () => {
    const result = run('single.latency.p95 <= 2 * baseline.single.latency.p95 + machine.swap', { self, machine });
    expect(result.status).toBe('inconclusive');
    expect(result.detail).toContain('baseline.single.latency.p95 (there are no baseline metrics)');
    expect(result.detail).toContain('machine.swap');
  });

  it('is inconclusive when a side is not finite', () => {
    expect(run('batch.throughput / zero > 1').status).toBe('inconclusive');
    expect(run('zero / zero == zero / zero').status).toBe('inconclusive');
  });

  it('carries the position of a planned check', () => {
    const position = { file: '/x/suite.yaml', line: 7, col: 5 };
    const expression = parseCheck('errors.rate < 1%');
    const result = evaluateCheck({ source: expression.source, expression, position }, { self, machine });
    expect(result.position).toEqual(position);
    expect(result.source).toBe('errors.rate < 1%');
  });
});
