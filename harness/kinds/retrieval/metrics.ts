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
  // What users will see change (with a compare target; kinds/retrieval/change.ts).
  'queries.better': metric('count', 'queries whose nDCG@10 is higher than the compare target\'s by more than `sameWithin`'),
  'queries.worse': metric('count', 'queries whose nDCG@10 is lower than the compare target\'s by more than `sameWithin`'),
  'queries.same': metric('count', 'queries whose nDCG@10 is within `sameWithin` of the compare target\'s'),
  'ndcg_at_10.diff.median': metric('score', 'median over queries of nDCG@10 minus the compare target\'s'),
  'overlap_at_10.mean': metric('ratio', 'mean over queries of |top 10 ∩ compare target\'s top 10| / 10'),
  'overlap_at_10.median': metric('ratio', 'median over queries of |top 10 ∩ compare target\'s top 10| / 10'),
  threshold: metric('score', 'cosine cut-off: the baseline\'s (`threshold`, or its lowest with precision 0.5), and for the target the lowest that keeps the baseline\'s precision'),
  'threshold.precision': metric('ratio', 'share of (query, document) pairs at or above `threshold` that the qrels call relevant'),
  'threshold.recall': metric('ratio', 'share of relevant (query, document) pairs at or above `threshold`'),
  'migration.documents': metric('count', 'documents the migration cost is for (`corpusSize`, default the dataset\'s corpus)'),
  'migration.reembed': metric('ms', 'time to embed migration.documents at the docs_per_second this suite measured'),
  'migration.index_bytes': metric('bytes', 'migration.documents × dimensions × 4 bytes (float32 vectors, no index overhead)'),
} as const satisfies MetricCatalog;
