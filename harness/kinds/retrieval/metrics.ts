// What a retrieval suite measures: ranking scores of the model, of BM25 and of a random ranking on
// the same data, and with a compare target the paired difference and its interval.
import { RANKING_METRICS, type RankingMetric } from '../../metrics/ranking.ts';
import { metric, type MetricCatalog, type MetricSpec } from '../catalog.ts';

const RANKING: Record<RankingMetric, string> = {
  ndcg_at_10: 'nDCG@10, the main retrieval score (linear gain, as trec_eval and BEIR)',
  mrr_at_10: 'mean reciprocal rank of the first relevant document in the top 10',
  recall_at_1: 'share of relevant documents ranked first',
  recall_at_10: 'share of relevant documents in the top 10',
  recall_at_100: 'share of relevant documents in the top 100',
  map_at_10: 'mean average precision over the top 10',
};

type Compared = `${RankingMetric}.diff` | `${RankingMetric}.diff.ci_low` | `${RankingMetric}.diff.ci_high` | `bm25.${RankingMetric}` | `random.${RankingMetric}`;

const ranking = Object.fromEntries(RANKING_METRICS.map((name) => [name, metric('score', `${RANKING[name]}, mean over queries`)])) as Record<RankingMetric, MetricSpec>;
const compared = Object.fromEntries(
  RANKING_METRICS.flatMap((name) => [
    [`${name}.diff`, metric('score', `${name} of the target minus the compare target, same queries`)],
    [`${name}.diff.ci_low`, metric('score', `lower end of the paired bootstrap interval of ${name}.diff`)],
    [`${name}.diff.ci_high`, metric('score', `upper end of the paired bootstrap interval of ${name}.diff`)],
    [`bm25.${name}`, metric('score', `${name} of a BM25 ranking of the same data (lexical anchor)`)],
    [`random.${name}`, metric('score', `${name} of a seeded random ranking (chance level)`)],
  ]),
) as Record<Compared, MetricSpec>;

export const RETRIEVAL_METRICS = {
  ...ranking,
  ...compared,
  queries: metric('count', 'queries scored (those with at least one relevant document)'),
  documents: metric('count', 'documents in the corpus'),
  docs_per_second: metric('per_second', 'corpus documents embedded per second, batched'),
  queries_per_second: metric('per_second', 'queries embedded per second, batched'),
  'vectors.invalid': metric('count', 'vectors with NaN/Inf, all zeros, the wrong dimension, or a norm far from 1 from a normalising model'),
} as const satisfies MetricCatalog;
