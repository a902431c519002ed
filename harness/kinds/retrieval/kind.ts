// The suite kind `retrieval`.
import { defineKind } from '../kind.ts';
import { RETRIEVAL_METRICS } from './metrics.ts';
import { RETRIEVAL_PARAMS } from './params.ts';

export const retrieval = defineKind({
  name: 'retrieval',
  description: 'retrieval quality on a BEIR dataset (nDCG@10, MRR@10, recall, MAP) with a non-inferiority interval against the compare target',
  params: RETRIEVAL_PARAMS,
  metrics: RETRIEVAL_METRICS,
  // ranking: server scores the target's own search instead (server-ranking.ts); under --shard the
  // suite embeds its share of the corpus for embedgate merge (harness/shard/retrieval-shard.ts).
  runner: async () => {
    const [{ runRetrieval }, { runServerRanking }, { runRetrievalShard }] = await Promise.all([import('./runner.ts'), import('./server-ranking.ts'), import('../../shard/retrieval-shard.ts')]);
    return (ctx) => ((ctx.plan.params as { ranking?: string }).ranking === 'server' ? runServerRanking(ctx) : ctx.plan.shard ? runRetrievalShard(ctx) : runRetrieval(ctx));
  },
});
