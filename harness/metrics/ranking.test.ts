import { describe, expect, it } from 'vitest';
import { meanScores, scoreRanking, topK } from './ranking.ts';

const rel = (entries: Record<string, number>) => new Map(Object.entries(entries));
const filler = (n: number) => Array.from({ length: n }, (_, i) => `x${i}`);

describe('scoreRanking (hand-checked)', () => {
  it('one relevant document at rank 2', () => {
    const s = scoreRanking(['x', 'a', 'y'], rel({ a: 1 }));
    expect(s.ndcg_at_10).toBeCloseTo(1 / Math.log2(3), 10); // 0.6309
    expect(s.mrr_at_10).toBe(0.5);
    expect(s.recall_at_1).toBe(0);
    expect(s.recall_at_10).toBe(1);
    expect(s.map_at_10).toBe(0.5);
  });

  it('two relevant documents at ranks 1 and 3', () => {
    const s = scoreRanking(['a', 'x', 'b'], rel({ a: 1, b: 1 }));
    expect(s.ndcg_at_10).toBeCloseTo((1 + 0.5) / (1 + 1 / Math.log2(3)), 10); // 0.9197
    expect(s.mrr_at_10).toBe(1);
    expect(s.recall_at_1).toBe(0.5);
    expect(s.recall_at_10).toBe(1);
    expect(s.map_at_10).toBeCloseTo((1 / 1 + 2 / 3) / 2, 10); // 0.8333
  });

  it('graded relevance uses linear gain and the ideal order', () => {
    const s = scoreRanking(['b', 'a'], rel({ a: 2, b: 1 }));
    expect(s.ndcg_at_10).toBeCloseTo((1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3)), 10); // 0.8597
  });

  it('a perfect ranking scores 1 everywhere', () => {
    const s = scoreRanking(['a', 'b', 'x'], rel({ a: 1, b: 1 }));
    expect(s).toEqual({ ndcg_at_10: 1, mrr_at_10: 1, recall_at_1: 0.5, recall_at_10: 1, recall_at_100: 1, map_at_10: 1 });
  });

  it('a relevant document at rank 11 counts only for recall@100', () => {
    const s = scoreRanking([...filler(10), 'a'], rel({ a: 1 }));
    expect(s).toEqual({ ndcg_at_10: 0, mrr_at_10: 0, recall_at_1: 0, recall_at_10: 0, recall_at_100: 1, map_at_10: 0 });
  });

  it('recall and MAP divide by all relevant documents, even those never retrieved', () => {
    const s = scoreRanking(['a', ...filler(200)], rel({ a: 1, b: 1, c: 1, d: 1 }));
    expect(s.recall_at_100).toBe(0.25);
    expect(s.map_at_10).toBe(0.25);
    expect(s.ndcg_at_10).toBeCloseTo(1 / (1 + 1 / Math.log2(3) + 0.5 + 1 / Math.log2(5)), 10);
  });

  it('refuses a query without relevant documents', () => {
    expect(() => scoreRanking(['a'], rel({}))).toThrow(/no score/);
  });

  it('averages per metric', () => {
    const a = scoreRanking(['a'], rel({ a: 1 }));
    const b = scoreRanking(['x', 'a'], rel({ a: 1 }));
    expect(meanScores([a, b]).mrr_at_10).toBe(0.75);
  });
});

describe('topK', () => {
  it('returns the best indices first, ties to the lower index', () => {
    expect(topK([0.1, 0.9, 0.5, 0.9, 0.3], 3)).toEqual([1, 3, 2]);
    expect(topK([1, 1, 1], 2)).toEqual([0, 1]);
  });

  it('returns everything when k exceeds the length', () => {
    expect(topK([0.2, 0.1, 0.3], 10)).toEqual([2, 0, 1]);
  });

  it('agrees with a full sort', () => {
    const scores = Array.from({ length: 500 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const sorted = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.i);
    expect(topK(scores, 100)).toEqual(sorted.slice(0, 100));
  });
});
