import { describe, expect, it } from 'vitest';
import type { MetricCatalog } from '../kinds/catalog.ts';
import { KINDS } from '../kinds/registry.ts';
import { parseCheck } from './parse.ts';
import { typeCheck, type TypeEnvironment } from './typecheck.ts';

const catalog: MetricCatalog = {
  'latency.p95': { unit: 'ms', description: '' },
  'memory.rss.peak': { unit: 'bytes', description: '' },
  'errors.rate': { unit: 'ratio', description: '' },
  'throughput.rps': { unit: 'per_second', description: '' },
};
const env: TypeEnvironment = { kind: 'test', metrics: catalog, hasCompare: true };

function errors(source: string, environment: TypeEnvironment = env) {
  return typeCheck(parseCheck(source), environment);
}

describe('typeCheck accepts', () => {
  it.each([
    'latency.p95 <= 2 * baseline.latency.p95',
    'latency.p95 <= baseline.latency.p95 * 2',
    'latency.p95 / baseline.latency.p95 <= 2x',
    'latency.p95 <= 50ms + 2s',
    'memory.rss.peak < 70% * machine.memory',
    'memory.rss.peak / machine.memory < 70%',
    'errors.rate < 1%',
    'throughput.rps >= 0.9 * baseline.throughput.rps',
    '-latency.p95 < 0ms',
    'latency.p95 - baseline.latency.p95 < 5ms',
    'machine.cores >= 2',
  ])('%s', (source) => {
    expect(errors(source)).toEqual([]);
  });

  it('checks bench checks from the brief against the real catalog', () => {
    const bench: TypeEnvironment = { kind: 'bench', metrics: KINDS.bench.metrics, hasCompare: true };
    expect(errors('single.latency.p95 <= 50ms', bench)).toEqual([]);
    expect(errors('batch.throughput >= 0.9 * baseline.batch.throughput', bench)).toEqual([]);
  });
});

describe('typeCheck rejects', () => {
  it.each([
    ['latency.p95 <= 50', 16, 'write 50ms, not 50'],
    ['50 > latency.p95', 1, 'write 50ms, not 50'],
    ['memory.rss.peak < 512', 19, 'write 512MB, not 512'],
    ['latency.p95 + 5 < 1s', 15, 'write 5ms, not 5'],
    ['latency.p95 < memory.rss.peak', 13, 'cannot compare a time and a size in bytes'],
    ['latency.p95 * latency.p95 < 1ms', 13, 'cannot multiply a time by a time'],
    ['1 / latency.p95 < 1', 3, 'cannot divide a plain number by a time'],
    ['errors.rate < 1ms', 13, 'cannot compare a plain number and a time'],
    ['latency.p59 < 1ms', 1, "unknown metric 'latency.p59' for kind test (did you mean 'latency.p95'?)"],
    ['baseline.latency.p59 < 1ms', 1, "did you mean 'baseline.latency.p95'?"],
    ['machine.memroy > 1GB', 1, "unknown metric 'machine.memroy' for the machine (did you mean 'machine.memory'?)"],
    ['memory < 1GB', 1, "did you mean 'machine.memory'?"],
    ['1ms < 2ms', 1, 'reads no metric'],
  ])('%s', (source, column, message) => {
    const found = errors(source);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain(message);
    expect(found[0]!.column).toBe(column);
  });

  it('needs compare: for baseline.', () => {
    const found = errors('latency.p95 <= 2 * baseline.latency.p95', { ...env, hasCompare: false });
    expect(found).toEqual([expect.objectContaining({ column: 20, message: expect.stringContaining('no compare: target') })]);
  });

  it('reports every unknown metric of one check', () => {
    expect(errors('a.b + c.d < 1').map((e) => e.column)).toEqual([1, 7]);
  });

  it('leaves names unchecked for a kind without a catalog, but still checks machine. and baseline.', () => {
    const planned: TypeEnvironment = { kind: 'load', metrics: undefined, hasCompare: false };
    expect(errors('throughput.rps >= 90% * ceiling.throughput.rps', planned)).toEqual([]);
    expect(errors('memory.rss.peak < 70% * machine.memroy', planned)).toHaveLength(1);
    expect(errors('latency.p95 < baseline.latency.p95', planned)).toHaveLength(1);
  });
});
