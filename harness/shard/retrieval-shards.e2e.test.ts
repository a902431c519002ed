// End to end: the committed retrieval-tiny suite (both fixture models in real llama.cpp workers, the
// 12-document tiny BEIR folder) runs once whole and once as three real CLI shards, each embedding
// its share of the corpus, and `embedgate merge` ranks and scores the union. Every ranking metric,
// the bootstrap interval, the change section and the verdict must be the whole run's; a missing
// shard, a shard of another model, and a union short of a document must each keep the merge from
// concluding, naming why.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import { REPO_ROOT } from '../paths.ts';
import type { SuiteResult } from '../result.ts';
import { runCli, type CliRun } from '../testing/run-cli.ts';
import { readVectors, vectorsFileName, writeVectors } from './retrieval-vectors.ts';

const SUITE = join(REPO_ROOT, 'fixtures', 'suites', 'retrieval-tiny.yaml');
const N = 3;
/** Measured time, not ranking: a sharded run measures it on each shard. */
const TIMING = new Set(['docs_per_second', 'queries_per_second', 'migration.reembed']);

let work: string;
let whole: CliRun;
let shards: CliRun[];
let merged: CliRun;

const suiteOf = (run: CliRun): SuiteResult => run.report!.suites[0]!;
const shardDirs = () => shards.map((s) => s.runDir!);

beforeAll(async () => {
  await ensureFixtureModels();
  work = mkdtempSync(join(tmpdir(), 'embedgate-retrieval-shards-'));
  // An empty barrier file that already exists: start now (retrieval shards need not line up).
  const barrier = join(work, 'go');
  writeFileSync(barrier, '');
  whole = await runCli(['run', SUITE, '--reporter', 'json'], { outUnder: work });
  shards = [];
  // One after another: three shards of two model workers each at once would crowd two cores.
  for (let i = 0; i < N; i++) shards.push(await runCli(['run', SUITE, '--shard', `${i}/${N}`, '--barrier', barrier, '--reporter', 'json'], { outUnder: work }));
  merged = await runCli(['merge', ...shardDirs(), '--reporter', 'json'], { outUnder: work });
}, 150_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('a retrieval suite in three shards', () => {
  it('each shard embeds its share, writes its vectors, and its result is partial with no check judged', () => {
    expect(whole.report, whole.output).toBeDefined();
    const shares = shards.map((s) => {
      expect(s.code, s.output).toBe(0);
      const r = suiteOf(s);
      expect(r.outcome).toBe('inconclusive');
      expect(r.reason).toMatch(/^partial: shard \d of 3 embedded its share/);
      expect(r.checks.length).toBeGreaterThan(0);
      for (const c of r.checks) expect(c.status, c.source).toBe('inconclusive');
      const meta = JSON.parse(readFileSync(join(s.runDir!, 'shard.json'), 'utf8')) as { partial: string[] };
      expect(meta.partial).toEqual(['retrieval-tiny']);
      return readVectors(join(s.runDir!, vectorsFileName('retrieval-tiny'))).header;
    });
    // 12 documents: 4 each; 11 queries: 4, 4, 3. Document k on shard k mod 3.
    expect(shares.map((h) => h.documentIds.length)).toEqual([4, 4, 4]);
    expect(shares.map((h) => h.queryIds.length)).toEqual([4, 4, 3]);
    expect(new Set(shares.flatMap((h) => h.documentIds)).size).toBe(12);
    expect(shares[0]!.sides.map((s) => s.role)).toEqual(['target', 'compare']);
  });

  it('the merge ranks and scores the union: every metric and the verdict are the whole run\'s', () => {
    expect(merged.code, merged.output).toBe(whole.code);
    const m = suiteOf(merged);
    const w = suiteOf(whole);
    expect(m.outcome).toBe(w.outcome);
    expect(m.checks.map((c) => [c.source, c.status])).toEqual(w.checks.map((c) => [c.source, c.status]));
    for (const scope of ['metrics', 'baselineMetrics'] as const) {
      const names = Object.keys(w[scope]!).filter((n) => !TIMING.has(n));
      expect(names).toContain('ndcg_at_10');
      expect(Object.keys(m[scope]!).sort()).toEqual(Object.keys(w[scope]!).sort());
      for (const name of names) expect(Math.abs(m[scope]![name]!.value - w[scope]![name]!.value), `${scope}.${name}`).toBeLessThanOrEqual(1e-9);
    }
    expect(m.metrics['ndcg_at_10.diff.ci_low']).toBeDefined();
    const details = (r: SuiteResult) => r.details as { perQuery: unknown; difference: unknown; change: { movers: unknown; overlap: unknown } };
    expect(details(m).perQuery).toEqual(details(w).perQuery);
    expect(details(m).difference).toEqual(details(w).difference);
    expect(details(m).change.movers).toEqual(details(w).change.movers);
    expect((m.details as { shards: unknown[] }).shards).toHaveLength(3);
  });

  it('a missing shard makes the merge inconclusive, naming it', async () => {
    const run = await runCli(['merge', shardDirs()[0]!, shardDirs()[2]!], { outUnder: work });
    expect(run.code, run.output).toBe(3);
    expect(run.report!.reason).toContain('shard 1 of 3 missing');
    expect(suiteOf(run).outcome).toBe('inconclusive');
    expect(suiteOf(run).metrics).toEqual({});
  }, 60_000);

  it('a shard of another model is refused, naming the shard and the field', async () => {
    const other = join(work, 'other-model');
    cpSync(shardDirs()[1]!, other, { recursive: true });
    const file = join(other, vectorsFileName('retrieval-tiny'));
    const { header, sides } = readVectors(file);
    sides[1]!.header.model = { ...sides[1]!.header.model, sha256: 'f'.repeat(64) };
    writeVectors(file, header, sides);
    const run = await runCli(['merge', shardDirs()[0]!, other, shardDirs()[2]!], { outUnder: work });
    expect(run.code, run.output).toBe(2);
    expect(run.stderr).toMatch(/suite retrieval-tiny: shard 1 \(.*other-model\) has models \(role, sha256\) .*f{64}/);
  }, 60_000);

  it('a union short of a document is inconclusive, naming the document and its shard', async () => {
    const short = join(work, 'short');
    cpSync(shardDirs()[2]!, short, { recursive: true });
    const file = join(short, vectorsFileName('retrieval-tiny'));
    const { header, sides } = readVectors(file);
    const dropped = header.documentIds[0]!;
    writeVectors(file, { ...header, documentIds: header.documentIds.slice(1) }, sides.map((s) => ({ ...s, documents: s.documents.slice(1) })));
    const run = await runCli(['merge', shardDirs()[0]!, shardDirs()[1]!, short], { outUnder: work });
    expect(run.code, run.output).toBe(3);
    expect(suiteOf(run).reason).toContain(`1 documents in no shard's vectors (first: ${dropped}, index 2, shard 2's)`);
  }, 60_000);
});
