// The figures every window of an open-model load carries, whichever kind runs it (fault, soak,
// canary): the slice's request accounting and its latency. One catalog and one writer, so the
// report's time series and checks over windows read the same names with the same meaning; the
// same for the whole load's accounting, summed over its windows.
import { errorTotal, type PhaseResult } from '../../http-client/phase.ts';
import type { Tally } from '../../http-client/tally.ts';
import { latencyCatalog, metric as m, type MetricCatalog, type MetricWriter } from '../catalog.ts';

export const LOAD_WINDOW_METRICS = {
  'requests.sent': m('count', 'requests written in the window'),
  'requests.answered': m('count', 'answers of any status in the window (and its grace period)'),
  'throughput.rps': m('per_second', '2xx answers per second in the window'),
  ...latencyCatalog('', '2xx answers in the window, corrected for coordinated omission'),
  'errors.total': m('count', 'failed requests in the window: non-2xx, timeouts, resets, connection errors, lost and unanswered ones'),
  'errors.rate': m('ratio', 'errors.total / requests.sent in the window (1 when nothing was answered)'),
  'errors.lost': m('count', 'requests written whose connection then closed without an answer'),
  'errors.unanswered': m('count', 'requests still in flight after the window’s grace period'),
} as const satisfies MetricCatalog;

/** Writes a window's accounting and latency (corrected for coordinated omission when measured). */
export function putLoadWindow(out: MetricWriter<typeof LOAD_WINDOW_METRICS>, r: PhaseResult): void {
  const errors = errorTotal(r.errors);
  out.set('requests.sent', r.sent);
  out.set('requests.answered', r.answered);
  out.set('throughput.rps', r.throughputRps);
  out.set('errors.total', errors);
  // Nothing sent in a window (the generator could not connect at all) is no evidence of health.
  out.put('errors.rate', r.sent > 0 ? errors / r.sent : undefined);
  out.set('errors.lost', r.errors.lost);
  out.set('errors.unanswered', r.errors.unanswered);
  out.putAll((r.corrected ?? r.latency).toMetrics(''));
}

/** The accounting of a whole open-model load, summed over its windows; `over` names the span in the descriptions ("load", "run"). */
export function loadTotalCatalog(over: string) {
  return {
    'requests.sent': m('count', `requests written over the whole ${over}: answered + timeouts + resets + connection errors + lost + unanswered`),
    'requests.answered': m('count', `answers of any status over the whole ${over}`),
    'errors.total': m('count', `failed requests over the whole ${over}, lost and unanswered ones included`),
    'errors.rate': m('ratio', `errors.total / requests.sent over the whole ${over}`),
    'errors.status': m('count', 'answers with a non-2xx status'),
    'errors.timeout': m('count', 'requests that timed out'),
    'errors.reset': m('count', 'requests whose connection was reset'),
    'errors.connection': m('count', 'requests that failed to connect or hit another socket error'),
    'errors.lost': m('count', 'requests written whose connection then closed without an answer'),
    'errors.unanswered': m('count', 'requests still in flight at their window’s end after the grace period'),
    'responses.checked': m('count', '2xx answers checked (shape, count, order, dimension, finite values, same text same vector)'),
    'responses.invalid': m('count', 'checked answers found wrong'),
  } as const satisfies MetricCatalog;
}

/** Writes a whole load's accounting; with nothing sent there is no error rate. */
export function putLoadTotals(out: MetricWriter<ReturnType<typeof loadTotalCatalog>>, t: Tally): void {
  const errors = errorTotal(t.errors);
  out.set('requests.sent', t.sent);
  out.set('requests.answered', t.answered);
  out.set('errors.total', errors);
  out.put('errors.rate', t.sent > 0 ? errors / t.sent : undefined);
  for (const kind of ['status', 'timeout', 'reset', 'connection', 'lost', 'unanswered'] as const) out.set(`errors.${kind}`, t.errors[kind]);
  out.set('responses.checked', t.checked);
  out.set('responses.invalid', t.invalid);
}
