// What one shard runs: floor/ceil shares that sum exactly, 1/n of a fixed rate, a retrieval suite
// on every shard (its corpus split), suites that cannot be split on shard 0 alone, and the bad
// inputs refused with what to do.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFiles, type Loaded } from '../commands/load-files.ts';
import { UsageError } from '../commands/options.ts';
import { REPO_ROOT } from '../paths.ts';
import { prepareShard } from './run-shard.ts';
import { parseShardOptions, shareOf } from './spec.ts';
import { shardPlans } from './split.ts';

const load = (file: string) => loadFiles([join(REPO_ROOT, file)], {}) as Loaded;

describe('shareOf', () => {
  it('gives every shard floor or ceil of total/n, and the shares sum to the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 64 }), (total, n) => {
        const parts = Array.from({ length: n }, (_, i) => shareOf(total, i, n));
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        for (const p of parts) expect([Math.floor(total / n), Math.ceil(total / n)]).toContain(p);
      }),
    );
  });
});

describe('parseShardOptions', () => {
  it('reads i/n and a start instant', () => {
    expect(parseShardOptions({ shard: '2/4', 'start-at': '2026-01-01T12:00:00Z' })).toEqual({ index: 2, count: 4, startAtMs: Date.parse('2026-01-01T12:00:00Z') });
    expect(parseShardOptions({})).toBeUndefined();
  });

  it.each([
    [{ shard: '4/4', 'start-at': '2026-01-01T12:00:00Z' }, /numbered 0 to 3/],
    [{ shard: '1of4' }, /expects i\/n/],
    [{ shard: '1/4' }, /must start together; add --start-at/],
    [{ shard: '1/4', 'start-at': 'tomorrow' }, /ISO 8601 time with a zone/],
    [{ shard: '1/4', 'start-at': '2026-01-01T12:00:00' }, /ISO 8601 time with a zone/],
    [{ shard: '1/4', barrier: 'http://10.0.0.2/go' }, /loopback/],
    [{ 'start-at': '2026-01-01T12:00:00Z' }, /add --shard/],
  ])('refuses %j', (values, message) => {
    expect(() => parseShardOptions(values)).toThrow(UsageError);
    expect(() => parseShardOptions(values)).toThrow(message);
  });
});

describe('shardPlans', () => {
  it('splits a load suite and keeps suites of other kinds on shard 0', () => {
    const loaded = load('examples/shards/load-sharded.yaml');
    const bench = load('suites/bench-embed.yaml');
    const suites = [...loaded.suites, ...bench.suites];
    const parts = Array.from({ length: 3 }, (_, i) => shardPlans(suites, { index: i, count: 3 }));
    const params = parts.map((p) => p.suites[0]!.params as { connections: number; open: { rate: number; connections: number } });
    expect(params.map((p) => p.connections)).toEqual([34, 33, 33]);
    expect(params.map((p) => p.open.connections)).toEqual([67, 67, 66]);
    for (const p of params) expect(p.open.rate).toBeCloseTo(200 / 3, 9);
    expect(parts.map((p) => p.suites.map((s) => s.name))).toEqual([['load-sharded', 'bench-embed'], ['load-sharded'], ['load-sharded']]);
    expect(parts[1]!.suites[0]!.shard).toEqual({ index: 1, count: 3 });
    // The loaded plan itself is not changed.
    expect((loaded.suites[0]!.params as { connections: number }).connections).toBe(100);
  });

  it('gives every shard a harness-ranked retrieval suite (its corpus is split), and keeps ranking: server on shard 0', () => {
    const tiny = load('fixtures/suites/retrieval-tiny.yaml').suites[0]!;
    const server = { ...tiny, name: 'retrieval-server', params: { ...tiny.params, ranking: 'server' } };
    const parts = Array.from({ length: 2 }, (_, i) => shardPlans([tiny, server], { index: i, count: 2 }));
    expect(parts.map((p) => p.suites.map((s) => s.name))).toEqual([['retrieval-tiny', 'retrieval-server'], ['retrieval-tiny']]);
    expect(parts[1]!.suites[0]!.shard).toEqual({ index: 1, count: 2 });
    expect(parts[0]!.wholeOnShard0).toEqual(['retrieval-server']);
    expect(parts[1]!.lines[0]).toContain('embeds documents and queries k with k mod 2 = 1');
  });

  it('refuses a gguf target and more shards than connections', () => {
    expect(() => shardPlans(load('suites/load-100.yaml').suites, { index: 0, count: 2 })).toThrow(/gguf: candidate.*embedgate serve --model candidate/);
    expect(() => shardPlans(load('examples/shards/load-sharded.yaml').suites, { index: 150, count: 150 })).toThrow(/load.connections: 100, too few .* use at most 100 shards/);
  });

  it('refuses to run another version of the suite than the Job was made for', () => {
    const loaded = load('examples/shards/load-sharded.yaml');
    expect(() => prepareShard({ index: 0, count: 2 }, loaded, { EMBEDGATE_SUITE_SHA256: 'f'.repeat(64) })).toThrow(/another version of the suite/);
    expect(prepareShard({ index: 0, count: 2 }, loaded, { EMBEDGATE_SUITE_SHA256: loaded.suites[0]!.fileSha256 }).lines[0]).toContain('50 closed connection(s)');
  });
});
