// The suite kind `retrieval`.
import { defineKind } from '../kind.ts';
import { RETRIEVAL_METRICS } from './metrics.ts';
import { RETRIEVAL_PARAMS } from './params.ts';

export const retrieval = defineKind({
  name: 'retrieval',
  description: 'retrieval quality on a BEIR dataset (nDCG@10, MRR@10, recall, MAP) with a non-inferiority interval against the compare target',
  params: RETRIEVAL_PARAMS,
  metrics: RETRIEVAL_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runRetrieval),
});
