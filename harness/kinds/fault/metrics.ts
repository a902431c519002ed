// What a fault suite measures: per suite, whether each fault was injected, detected and recovered
// from, and how fast (the slowest fault counts); every request of the load accounted for and every
// answer checked; the alerts a real Prometheus fired. Per window, the slice's own load figures,
// which the steady-state hypothesis (the suite's checks over windows) is judged on.
import { metric as m, type MetricCatalog } from '../catalog.ts';
import { INVALID_REASONS, type InvalidReason } from '../../http-client/answer-check.ts';
import { LOAD_WINDOW_METRICS, loadTotalCatalog } from '../server-side/load-window.ts';

function invalidReasonCatalog(): Record<`responses.invalid.${InvalidReason}`, ReturnType<typeof m>> {
  return Object.fromEntries(INVALID_REASONS.map((r) => [`responses.invalid.${r}`, m('count', `checked answers found wrong for reason ${r}`)])) as Record<`responses.invalid.${InvalidReason}`, ReturnType<typeof m>>;
}

export const FAULT_METRICS = {
  'faults.planned': m('count', 'faults the suite lists'),
  'faults.injected': m('count', 'faults really injected (a signal delivered, a process started, a toxic set, entries corrupted)'),
  'faults.not_injected': m('count', 'faults that could not be injected (permission, platform, a target that is not on this machine): their measurements are missing, so checks on them are inconclusive'),
  'faults.detected': m('count', 'injected faults the target’s /health, its /metrics or the load showed'),
  'faults.recovered': m('count', 'injected faults after which the steady state held again within the recovery limit'),
  'faults.unrecovered': m('count', 'injected faults after which the steady state did not hold again within the recovery limit'),
  'detection.max': m('ms', 'slowest time to detect: from a fault’s start to /health turning unhealthy, a /metrics counter moving, or the first window that deviated from the steady state, whichever came first'),
  'recovery.max': m('ms', 'slowest time to recover: from a fault’s end to the end of the first window in which the steady state held again (an upper bound, one window’s length at worst)'),
  'hypothesis.before': m('count', '1 when every window before the first fault held the steady-state hypothesis'),
  'hypothesis.after': m('count', '1 when every window after the last fault’s recovery held the steady-state hypothesis'),
  'hypothesis.during.deviated': m('count', 'windows during faults and their recovery that deviated from the steady state (expected; for the journal)'),
  'load.capacity.rps': m('per_second', 'closed-model throughput measured before the load'),
  'load.rate': m('per_second', 'arrival rate of the load (open model)'),
  ...loadTotalCatalog('load'),
  'fault.requests.sent': m('count', 'requests sent during faults and their recovery'),
  'fault.errors.total': m('count', 'failed requests during faults and their recovery, lost and unanswered ones included'),
  'fault.errors.lost': m('count', 'requests lost during faults and their recovery'),
  'fault.errors.unanswered': m('count', 'requests unanswered during faults and their recovery'),
  'responses.invalid': m('count', 'checked answers of the target found wrong: wrong answers served, which must be 0 (answers the fault proxy rewrote on purpose are counted in responses.rewritten instead)'),
  ...invalidReasonCatalog(),
  'responses.rewritten': m('count', '2xx answers the fault proxy rewrote on purpose during an answer-rewriting network fault (malformed_json, wrong_content_type, wrong_vector_count, wrong_dimension, perturb_vectors), checked like any answer but counted apart from the target’s'),
  'responses.rewritten.caught': m('count', 'rewritten answers the answer checks found wrong: the fault’s detection evidence, not wrong answers the target served'),
  'responses.rewritten.missed': m('count', 'rewritten answers the answer checks passed (a perturbed vector of a text not sent before cannot be caught)'),
  'worker.restarts': m('count', 'worker restarts embedgate serve reported over the suite (its /health)'),
  'alerts.expected': m('count', 'faults naming an alert that must fire'),
  'alerts.fired': m('count', 'expected alerts that a real Prometheus fired within fireWithin of their fault’s start'),
  'alerts.resolved': m('count', 'fired alerts that resolved within resolveWithin of their fault’s end'),
  'alerts.missing': m('count', 'expected alerts that did not fire in time, or did not resolve'),
  'alerts.fire.max': m('ms', 'slowest time from a fault’s start to its alert firing in Prometheus'),
  'alerts.resolve.max': m('ms', 'slowest time from a fault’s end to its alert resolving'),
} as const satisfies MetricCatalog;

/** One window of the load: what the steady-state hypothesis is judged on. */
export const FAULT_WINDOW_METRICS = {
  ...LOAD_WINDOW_METRICS,
  'responses.invalid': m('count', 'checked answers of the target found wrong in the window (not those the fault proxy rewrote)'),
  'responses.rewritten.caught': m('count', 'answers the fault proxy rewrote that the answer checks found wrong in the window'),
} as const satisfies MetricCatalog;
