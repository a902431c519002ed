// The retrieval runner on the committed tiny BEIR folder, with in-process fake targets so every
// number is known: a bag-of-words embedder that retrieves, and broken ones that do not.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readBeirDataset } from '../../datasets/beir.ts';
import { lexicalTokens } from '../../metrics/bm25.ts';
import { hashString, Prng } from '../../random.ts';
import type { SuitePlan } from '../../plan.ts';
import type { ModelInfo } from '../../result.ts';
import type { EmbeddingTarget } from '../../targets/target.ts';
import { decodeParams } from '../params.ts';
import { RETRIEVAL_PARAMS } from './params.ts';
import { runRetrieval, subsetDataset } from './runner.ts';

const TINY = fileURLToPath(new URL('../../../fixtures/datasets/tiny-code/', import.meta.url));
const DIMS = 64;

function fakeTarget(name: string, vector: (text: string) => Float32Array): EmbeddingTarget & { calls: number } {
  const info: ModelInfo = {
    name, path: `/fake/${name}.gguf`, sha256: '0'.repeat(64), fileSize: 0, architecture: 'fake', dimensions: DIMS,
    pooling: 'mean', contextLength: 512, queryPrefix: 'query: ', documentPrefix: 'passage: ',
  };
  return {
    calls: 0,
    describe: () => ({ ref: `fake:${name}`, kind: 'gguf' }),
    info: () => info,
    async embed(texts) {
      this.calls++;
      return texts.map(vector);
    },
    close: async () => {},
  };
}

/** Hashed bag of words: shares dimensions between texts that share words. */
const bagOfWords = (text: string) => {
  const v = new Float32Array(DIMS);
  for (const t of lexicalTokens(text)) if (t !== 'query' && t !== 'passage') v[hashString(t) % DIMS]! += 1;
  return v;
};
const noise = (text: string) => new Prng(hashString(text, 99)).gaussians(DIMS, 1);

function plan(params: Record<string, unknown>): SuitePlan {
  return {
    name: 'retrieval-test', kind: 'retrieval', file: '/nowhere/suite.yaml', fileSha256: '', target: { type: 'gguf', name: 'a' },
    params: decodeParams(RETRIEVAL_PARAMS, { dataset: TINY, ...params }), checks: [], timeoutMs: 60_000,
  };
}

const run = (target: EmbeddingTarget, compare?: EmbeddingTarget, params: Record<string, unknown> = {}) =>
  runRetrieval({ plan: plan(params), target, ...(compare ? { compare } : {}), emit: () => {}, window: () => {}, signal: new AbortController().signal, seed: 1 });

describe('runRetrieval', () => {
  it('scores a model that retrieves far above random and reports every metric', async () => {
    const out = await run(fakeTarget('bow', bagOfWords));
    const m = Object.fromEntries(Object.entries(out.metrics).map(([k, v]) => [k, v.value]));
    expect(m.queries).toBe(11);
    expect(m.documents).toBe(12);
    expect(m.ndcg_at_10).toBeGreaterThan(0.6);
    expect(m['bm25.ndcg_at_10']).toBeGreaterThan(0.6);
    expect(m.ndcg_at_10).toBeGreaterThan(m['random.ndcg_at_10']! + 0.2);
    expect(m.recall_at_100).toBe(1); // 12 documents: everything is in the top 100
    for (const key of ['mrr_at_10', 'recall_at_1', 'recall_at_10', 'map_at_10', 'docs_per_second', 'vectors.invalid']) expect(m).toHaveProperty([key]);
    expect(out.baselineMetrics).toBeUndefined();
    const details = out.details as { perQuery: unknown[]; dataset: { revision: string }; harnessVersion: string };
    expect(details.perQuery).toHaveLength(11);
    expect(details.dataset.revision).toBe(readBeirDataset(TINY).revision);
    expect(details.harnessVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('finds no difference between a model and itself: interval [0, 0], decided', async () => {
    const out = await run(fakeTarget('a', bagOfWords), fakeTarget('b', bagOfWords));
    expect(out.metrics['ndcg_at_10.diff']!.value).toBe(0);
    expect(out.metrics['ndcg_at_10.diff.ci_low']!.value).toBe(0);
    expect(out.metrics['ndcg_at_10.diff.ci_high']!.value).toBe(0);
    expect(out.inconclusive).toBeUndefined();
    expect(out.baselineMetrics!['ndcg_at_10']!.value).toBe(out.metrics['ndcg_at_10']!.value);
  });

  it('a candidate that lost its meaning is measurably worse: the interval lies below the margin', async () => {
    const out = await run(fakeTarget('broken', noise), fakeTarget('good', bagOfWords));
    expect(out.metrics['ndcg_at_10.diff.ci_high']!.value).toBeLessThan(-0.01);
    expect(out.inconclusive).toBeUndefined(); // decided: the check on ci_low fails
  });

  it('is inconclusive, not pass, when 11 queries cannot resolve a small margin', async () => {
    // Each model loses a different third of the texts to noise: it wins some queries, loses others.
    const mixed = (third: number) => (t: string) => (hashString(t) % 3 === third ? noise(t) : bagOfWords(t));
    const out = await run(fakeTarget('a', mixed(0)), fakeTarget('b', mixed(1)), { nonInferiority: { margin: 0.01 } });
    expect(out.metrics['ndcg_at_10.diff.ci_low']!.value).toBeLessThan(-0.01);
    expect(out.metrics['ndcg_at_10.diff.ci_high']!.value).toBeGreaterThanOrEqual(-0.01);
    expect(out.inconclusive).toMatch(/contains the margin −0.01/);
  });

  it('counts invalid vectors from the target', async () => {
    const out = await run(fakeTarget('nan', (t) => (t.includes('gzip') ? new Float32Array(DIMS).fill(Number.NaN) : bagOfWords(t))));
    expect(out.metrics['vectors.invalid']!.value).toBe(2); // the gzip document and the gzip query
  });

  it('embeds in batches with the model prefixes', async () => {
    const seen: string[] = [];
    const target = fakeTarget('p', (t) => (seen.push(t), bagOfWords(t)));
    await run(target, undefined, { batchSize: 5 });
    expect(target.calls).toBe(Math.ceil(12 / 5) + Math.ceil(11 / 5));
    expect(seen.filter((t) => t.startsWith('passage: '))).toHaveLength(12);
    expect(seen.filter((t) => t.startsWith('query: '))).toHaveLength(11);
  });
});

describe('runRetrieval with compare: what users will see change', () => {
  type Change = import('./change.ts').RetrievalChange;
  const value = (out: Awaited<ReturnType<typeof run>>, name: string, side: 'metrics' | 'baselineMetrics' = 'metrics') => out[side]?.[name]?.value;

  it('a model against itself: every query the same, the top 10 shared, the same threshold and precision', async () => {
    const out = await run(fakeTarget('a', bagOfWords), fakeTarget('b', bagOfWords), { threshold: 0.3 });
    const change = (out.details as { change: Change }).change;
    expect([value(out, 'queries.better'), value(out, 'queries.worse'), value(out, 'queries.same')]).toEqual([0, 0, 11]);
    expect(value(out, 'overlap_at_10.mean')).toBe(1);
    expect(change.movers.up).toEqual([]);
    expect(change.movers.down).toEqual([]);
    expect(change.calibration.reached).toBe(true);
    expect(value(out, 'threshold.precision')).toBeGreaterThanOrEqual(value(out, 'threshold.precision', 'baselineMetrics')!);
    expect(value(out, 'threshold', 'baselineMetrics')).toBe(0.3);
    // 11 queries × 12 documents, each pair counted once per model.
    expect(change.calibration.candidate.relevantPairs + change.calibration.candidate.irrelevantPairs).toBe(132);
  });

  it('a candidate that retrieves against a baseline that does not: better queries, movers with both top 5s, migration cost', async () => {
    const out = await run(fakeTarget('good', bagOfWords), fakeTarget('broken', noise), { movers: 3, corpusSize: 1_000_000 });
    const change = (out.details as { change: Change }).change;
    const better = value(out, 'queries.better')!;
    expect(better).toBeGreaterThan(5);
    expect(better + value(out, 'queries.worse')! + value(out, 'queries.same')!).toBe(11);
    expect(value(out, 'ndcg_at_10.diff.median')).toBeGreaterThan(0);
    expect(value(out, 'overlap_at_10.mean')).toBeLessThan(1);
    expect(change.movers.up).toHaveLength(3);
    const top = change.movers.up[0]!;
    expect(top.delta).toBeCloseTo(top.after - top.before, 3);
    expect(top.beforeTop).toHaveLength(5);
    expect(top.afterTop).toHaveLength(5);
    expect(top.afterTop.some((d) => d.relevant)).toBe(true);
    expect(top.afterTop[0]!.score).toBeGreaterThanOrEqual(top.afterTop[4]!.score);
    const perQuery = (out.details as { perQuery: Record<string, number>[] }).perQuery;
    expect(perQuery.filter((q) => q['ndcg_at_10.delta']! > 0.01)).toHaveLength(better);
    // Re-embedding a million documents at the rate this suite measured, and their float32 vectors.
    expect(value(out, 'migration.documents')).toBe(1_000_000);
    expect(value(out, 'migration.index_bytes')).toBe(1_000_000 * DIMS * 4);
    expect(value(out, 'migration.reembed')).toBeCloseTo((1_000_000 / value(out, 'docs_per_second')!) * 1000, -1);
    expect(change.migration.baseline.indexBytes).toBe(1_000_000 * DIMS * 4);
  });

  it('says so, with no number, when the candidate cannot keep the baseline precision', async () => {
    const out = await run(fakeTarget('broken', noise), fakeTarget('good', bagOfWords));
    const change = (out.details as { change: Change }).change;
    if (change.calibration.reached) {
      // The noise model reached it by chance at some cut-off: then the precision must really be kept.
      expect(value(out, 'threshold.precision')).toBeGreaterThanOrEqual(value(out, 'threshold.precision', 'baselineMetrics')!);
    } else {
      expect(value(out, 'threshold')).toBeUndefined();
      expect(change.calibration.note).toMatch(/no candidate cut-off reaches it/);
    }
    // No threshold given: the baseline's lowest cut-off at which half of what it keeps is relevant.
    expect(change.calibration.thresholdSource).toBe('default');
    expect(value(out, 'threshold.precision', 'baselineMetrics')).toBeGreaterThanOrEqual(0.5);
  });

  it('says when no pair reaches the baseline threshold', async () => {
    const out = await run(fakeTarget('a', bagOfWords), fakeTarget('b', bagOfWords), { threshold: 0.99 });
    const change = (out.details as { change: Change }).change;
    expect(change.calibration.reached).toBe(false);
    expect(change.calibration.note).toMatch(/no pair scores 0.99 or more with the baseline/);
    expect(value(out, 'threshold')).toBeUndefined();
  });
});

describe('subsetDataset', () => {
  it('keeps every judged document of the sampled queries, fills with others, and is seeded', () => {
    const ds = readBeirDataset(TINY);
    const sub = subsetDataset(ds, { maxQueries: 4, maxDocuments: 6 }, 1);
    expect(sub.queries).toHaveLength(4);
    expect(sub.documents).toHaveLength(6);
    const ids = new Set(sub.documents.map((d) => d.id));
    for (const q of sub.queries) for (const doc of ds.qrels.get(q.id)!.keys()) expect(ids.has(doc)).toBe(true);
    expect(subsetDataset(ds, { maxQueries: 4, maxDocuments: 6 }, 1)).toEqual(sub);
    expect(subsetDataset(ds, { maxQueries: 4 }, 2).queries).not.toEqual(sub.queries);
  });
});
