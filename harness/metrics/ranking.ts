// Retrieval metrics of one ranked list against graded judgements, as trec_eval and BEIR
// (pytrec_eval) compute them: linear gain for nDCG, the ideal ranking from all judged documents,
// recall and MAP over all relevant documents (not capped at k). Queries without a relevant document
// are not scored at all: their metrics would be undefined, not zero.

/** The metric names, in report order. */
export const RANKING_METRICS = ['ndcg_at_10', 'mrr_at_10', 'recall_at_1', 'recall_at_10', 'recall_at_100', 'map_at_10'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];
export type QueryScores = Record<RankingMetric, number>;

/** The deepest cut-off any metric reads; rankings need not be longer. */
export const RANKING_DEPTH = 100;

/**
 * @param ranked document ids, best first (at least the first RANKING_DEPTH)
 * @param relevant document id → relevance > 0
 */
export function scoreRanking(ranked: readonly string[], relevant: ReadonlyMap<string, number>): QueryScores {
  if (relevant.size === 0) throw new Error('scoreRanking: a query without relevant documents has no score');
  let dcg = 0;
  let reciprocalRank = 0;
  let found = 0;
  let precisionSum = 0;
  const hitsAt: Record<number, number> = { 1: 0, 10: 0, 100: 0 };
  const depth = Math.min(ranked.length, RANKING_DEPTH);
  for (let i = 0; i < depth; i++) {
    const rel = relevant.get(ranked[i]!) ?? 0;
    if (rel <= 0) continue;
    found++;
    if (i < 10) {
      dcg += rel / Math.log2(i + 2);
      if (reciprocalRank === 0) reciprocalRank = 1 / (i + 1);
      precisionSum += found / (i + 1);
    }
    for (const k of [1, 10, 100]) if (i < k) hitsAt[k]!++;
  }
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, 10);
  const idcg = ideal.reduce((s, rel, i) => s + rel / Math.log2(i + 2), 0);
  return {
    ndcg_at_10: idcg === 0 ? 0 : dcg / idcg,
    mrr_at_10: reciprocalRank,
    recall_at_1: hitsAt[1]! / relevant.size,
    recall_at_10: hitsAt[10]! / relevant.size,
    recall_at_100: hitsAt[100]! / relevant.size,
    map_at_10: precisionSum / relevant.size,
  };
}

/** Mean of each metric over queries. */
export function meanScores(perQuery: readonly QueryScores[]): QueryScores {
  const out = Object.fromEntries(RANKING_METRICS.map((m) => [m, 0])) as QueryScores;
  for (const q of perQuery) for (const m of RANKING_METRICS) out[m] += q[m];
  for (const m of RANKING_METRICS) out[m] = perQuery.length === 0 ? Number.NaN : out[m] / perQuery.length;
  return out;
}

/**
 * Indices of the `k` highest scores, best first; ties go to the lower index so rankings are
 * reproducible. A bounded insertion list: k is small next to the corpus.
 */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (idx.length === k && !(s > val[k - 1]!)) continue;
    let pos = idx.length === k ? k - 1 : idx.length;
    while (pos > 0 && s > val[pos - 1]!) pos--;
    idx.splice(pos, 0, i);
    val.splice(pos, 0, s);
    if (idx.length > k) {
      idx.pop();
      val.pop();
    }
  }
  return idx;
}
