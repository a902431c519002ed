// What a canary suite measures. The suite's own scope is the procedure and the candidate: the
// outcome (promoted, rolled back, paused), whether it is the one the suite expects, the rollback's
// times and losses, and the candidate's side of the router; the `baseline.` scope is the baseline's
// side of the same router, under the same traffic. `load.*` is the load generator's own accounting
// of every request it sent through the router. Per window (one analysis interval), the slice's
// load figures and each side's, so report charts show the steps.
import { latencyCatalog, metric as m, type MetricCatalog } from '../catalog.ts';
import { LOAD_WINDOW_METRICS } from '../server-side/load-window.ts';
import { INVALID_REASONS, type InvalidReason } from '../../http-client/answer-check.ts';

function invalidReasonCatalog(): Record<`responses.invalid.${InvalidReason}`, ReturnType<typeof m>> {
  return Object.fromEntries(INVALID_REASONS.map((r) => [`responses.invalid.${r}`, m('count', `this side's checked answers found wrong for reason ${r}`)])) as Record<`responses.invalid.${InvalidReason}`, ReturnType<typeof m>>;
}

/** One side of the router (the candidate in the suite's scope, the baseline in `baseline.`). */
const SIDE_METRICS = {
  'requests.routed': m('count', 'embedding requests the router sent to this side that ended (answered or failed)'),
  'requests.ok': m('count', '2xx answers of this side'),
  'errors.total': m('count', 'this side’s requests without a 2xx answer: non-2xx, timeouts, resets, refused connections, clients gone'),
  'errors.rate': m('ratio', 'errors.total / requests.routed over the suite'),
  'errors.status': m('count', 'non-2xx answers of this side'),
  'errors.timeout': m('count', 'requests this side did not answer within the request timeout (the router answered 504)'),
  'errors.reset': m('count', 'requests whose connection to this side was reset or closed unanswered (the router answered 502)'),
  'errors.connection': m('count', 'requests that could not reach this side (the router answered 502)'),
  'errors.client_gone': m('count', 'requests the load generator gave up on before this side answered'),
  ...latencyCatalog('', 'this side’s 2xx answers, from arrival at the router to the whole answer'),
  'responses.checked': m('count', 'this side’s 2xx answers checked against its own earlier answers (shape, count, order, dimension, finite values, same text same vector)'),
  'responses.invalid': m('count', 'this side’s checked answers found wrong: corrupt answers served'),
  ...invalidReasonCatalog(),
  'memory.rss.peak': m('bytes', 'highest RSS of this side’s processes (server and children) sampled during the suite'),
} as const satisfies MetricCatalog;

export const CANARY_METRICS = {
  ...SIDE_METRICS,
  'canary.promoted': m('count', '1 when the candidate reached the last step (100 %) and held it with every trigger quiet'),
  'canary.rolled_back': m('count', '1 when a trigger rolled the candidate back'),
  'canary.paused': m('count', '1 when too many inconclusive intervals in a row stopped the canary (neither promoted nor rolled back)'),
  'canary.weight.max': m('ratio', 'highest candidate weight the canary reached'),
  'canary.intervals': m('count', 'analysis intervals judged'),
  'canary.intervals.passed': m('count', 'intervals in which every enabled trigger was judged and quiet'),
  'canary.intervals.failed': m('count', 'intervals in which a trigger fired'),
  'canary.intervals.inconclusive': m('count', 'intervals that could not be judged (too few requests, a trigger still within its duration): they never promote'),
  'canary.time_scale': m('ratio', 'factor on the plan’s trigger durations in this run (1: the nightly values)'),
  'triggers.fired': m('count', 'triggers that fired at the rollback (several may fire in one interval)'),
  'expectation.met': m('count', '1 when the outcome is the one the suite’s expect: names (promoted, or rolled back by that trigger)'),
  'rollback.detection': m('ms', 'from the onset (the fault’s start, else the first sample of the condition) to the interval end at which the trigger fired'),
  'rollback.shift': m('ms', 'from detection to the router sending every new request to the baseline'),
  'rollback.duration': m('ms', 'from detection to all traffic on the baseline: the last request in flight on the candidate ended'),
  'rollback.lost': m('count', 'requests lost by the shift: arriving after it without a 2xx answer from the baseline, or failed between the load generator and the router; 0 for a clean shift'),
  'rollback.inflight': m('count', 'requests in flight on the candidate at the shift, each left to finish or fail'),
  'rollback.inflight.failed': m('count', 'of them, those the candidate did not answer with 2xx (its own failures, not the shift’s)'),
  'memory.limit': m('bytes', 'the limit the memory trigger judged the candidate against'),
  'load.capacity.rps': m('per_second', 'closed-model throughput through the router at weight 0, measured before the canary'),
  'load.rate': m('per_second', 'arrival rate of the load (open model)'),
  'load.requests.sent': m('count', 'requests the load generator wrote to the router: answered + timeouts + resets + connection errors + lost + unanswered'),
  'load.requests.answered': m('count', 'answers of any status the load generator received'),
  'load.errors.total': m('count', 'requests of the load without a 2xx answer, lost and unanswered ones included'),
  'load.errors.rate': m('ratio', 'load.errors.total / load.requests.sent'),
  'load.errors.lost': m('count', 'requests written to the router whose connection closed without an answer'),
  'load.errors.unanswered': m('count', 'requests still in flight at their window’s end after the grace period'),
} as const satisfies MetricCatalog;

/** One analysis interval. */
export const CANARY_WINDOW_METRICS = {
  // The load generator's own figures, through the router.
  ...LOAD_WINDOW_METRICS,
  'canary.weight': m('ratio', 'the candidate’s weight during the interval'),
  'candidate.requests': m('count', 'candidate requests that ended in the interval'),
  'candidate.errors.rate': m('ratio', 'candidate requests without a 2xx answer / candidate requests, in the interval'),
  'candidate.latency.p50': m('ms', 'median latency of the candidate’s 2xx answers at the router'),
  'candidate.latency.p95': m('ms', 'p95 latency of the candidate’s 2xx answers at the router'),
  'candidate.responses.invalid': m('count', 'corrupt candidate answers in the interval'),
  'candidate.memory.rss': m('bytes', 'the candidate’s RSS at the interval’s end'),
  'stable.requests': m('count', 'baseline requests that ended in the interval'),
  'stable.latency.p50': m('ms', 'median latency of the baseline’s 2xx answers at the router'),
  'stable.latency.p95': m('ms', 'p95 latency of the baseline’s 2xx answers at the router'),
  'latency.ratio': m('multiplier', 'candidate median / baseline median latency in the interval (the baseline of the last interval it had enough answers, at 100 %)'),
} as const satisfies MetricCatalog;
