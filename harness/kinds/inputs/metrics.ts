// What an inputs suite measures: every input tried and how each went wrong, if it did, and the
// target's memory before and after.
import { metric as m, type MetricCatalog } from '../catalog.ts';

export const INPUTS_METRICS = {
  'inputs.tried': m('count', 'inputs sent (HTTP bodies) or loaded (model files)'),
  'inputs.passed': m('count', 'inputs that got the right answer: a clear error for a bad one, a correct answer for a good one'),
  'inputs.accepted_bad': m('count', 'bad inputs answered with a 2xx (or a broken model file that loaded and served)'),
  'inputs.rejected_good': m('count', 'valid inputs that did not get a correct answer: an error, or a 2xx whose vectors are wrong'),
  'inputs.unclear': m('count', 'errors without a message, without the parameter where one applies, in the wrong status class, or with no answer at all'),
  'inputs.crashes': m('count', 'inputs after which the target died or restarted (process gone, /health failing, a worker restart)'),
  'inputs.hung': m('count', 'inputs with no answer within requestTimeout (model files: not refused within modelTimeout)'),
  'inputs.generated.failed': m('count', 'generated bodies among the failures (details give the seed and each body)'),
  'target.rss.before': m('bytes', 'resident memory of the target’s processes before the first input'),
  'target.rss.after': m('bytes', 'resident memory of the target’s processes after the last input'),
} as const satisfies MetricCatalog;
