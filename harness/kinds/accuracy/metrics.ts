// What an accuracy suite measures: agreement of the target's vectors with recorded golden ones.
import { metric, type MetricCatalog } from '../catalog.ts';

export const ACCURACY_METRICS = {
  'cosine.min': metric('score', 'lowest cosine similarity to the golden vector over all items'),
  'cosine.p1': metric('score', '1st percentile of cosine similarity to the golden vectors'),
  'cosine.mean': metric('score', 'mean cosine similarity to the golden vectors'),
  nmse: metric('score', 'normalised mean squared error against the golden vectors'),
  items: metric('count', 'number of golden items compared'),
  'dimension.mismatches': metric('count', 'items whose vector length differs from the golden one'),
  'tokens.mismatches': metric(
    'count',
    'items whose token count differs from the golden one (a tokenizer change); measured when the golden file and the target both report tokens',
  ),
  'vectors.invalid': metric('count', 'vectors with NaN/Inf, all zeros, the wrong dimension, or a norm far from 1 from a normalising model'),
} as const satisfies MetricCatalog;
