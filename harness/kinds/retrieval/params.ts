// The `retrieval:` block.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { RANKING_METRICS } from '../../metrics/ranking.ts';
import { StringEnum, withDefault } from '../params.ts';

export const RETRIEVAL_PARAMS = Type.Object(
  {
    dataset: Type.String({
      default: 'ts-api',
      description:
        'BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) relative to the suite file, or "ts-api" (default): documented declarations from the installed .d.ts files, built on first use',
    }),
    split: Type.String(withDefault('qrels split to read: qrels/<split>.tsv', 'test')),
    ranking: StringEnum(['harness', 'server'] as const, withDefault("who ranks: the harness, by exact cosine of the target's embeddings (harness), or the target's own search over its index of this dataset's corpus (server; an mcp target's search tool)", 'harness')),
    batchSize: Type.Integer({ minimum: 1, maximum: 1024, ...withDefault('texts per embedding call', 64) }),
    maxQueries: Type.Optional(Type.Integer({ minimum: 1, description: 'score only this many queries, a seeded sample (default: all)' })),
    maxDocuments: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'embed only this many documents: all judged for the scored queries, then a seeded sample of the others (default: all)',
      }),
    ),
    normalised: Type.Optional(
      Type.Boolean({ description: 'whether the model returns unit-norm vectors; a norm far from 1 is then a vector fault (default: inferred from the vectors)' }),
    ),
    nonInferiority: Type.Object(
      {
        metric: StringEnum(RANKING_METRICS, withDefault('ranking metric compared', 'ndcg_at_10')),
        margin: Type.Number({ minimum: 0, maximum: 1, ...withDefault('largest acceptable drop, as a score', 0.01) }),
      },
      {
        additionalProperties: false,
        description: 'the comparison the suite is judged on; when its interval contains -margin the suite is inconclusive, not pass',
        default: {},
      },
    ),
    movers: Type.Integer({ minimum: 0, maximum: 100, ...withDefault('queries shown each way among the biggest nDCG@10 changes (with `compare:`)', 10) }),
    sameWithin: Type.Number({
      minimum: 0,
      maximum: 1,
      ...withDefault('an nDCG@10 change of at most this counts as the same (queries.same); for a query with one relevant document, below the smallest step of it moving one place inside the top 10', 0.01),
    }),
    threshold: Type.Optional(
      Type.Number({
        minimum: -1,
        maximum: 1,
        description:
          "the compare target's cosine cut-off in use (results scoring at least this are shown); the suite finds the target's cut-off that keeps its precision (default: the compare target's lowest cut-off at which half of the pairs kept are relevant)",
      }),
    ),
    corpusSize: Type.Optional(
      Type.Integer({ minimum: 1, description: "documents to re-embed and store in the migration cost (default: the dataset's corpus size)" }),
    ),
    bootstrap: Type.Object(
      {
        resamples: Type.Integer({ minimum: 1000, ...withDefault('paired bootstrap resamples', 2000, ', at least 1000') }),
        confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, ...withDefault('confidence of the interval', 0.95) }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type RetrievalParams = StaticDecode<typeof RETRIEVAL_PARAMS>;
