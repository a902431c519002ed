// A fault suite's metrics and its journal, from the fault records and the windows. A fault that
// was not injected leaves the fault metrics unmeasured (checks on them are inconclusive, never a
// pass); without Prometheus the alert metrics are unmeasured.
import { errorTotal } from '../../http-client/phase.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { putLoadTotals } from '../server-side/load-window.ts';
import { FAULT_METRICS } from './metrics.ts';
import type { ActivityStatus, FaultRecord } from './timeline.ts';
import type { Tally } from '../../http-client/tally.ts';

export interface WindowNote {
  index: number;
  startMs: number;
  endMs: number;
  label: string;
  held: boolean;
  why?: string;
  exempt?: boolean;
}

export interface SummaryInput {
  records: readonly FaultRecord[];
  windows: readonly WindowNote[];
  total: Tally;
  capacityRps?: number;
  rate?: number;
  workerRestarts?: number;
  /** Why alert checks cannot be judged, when no Prometheus ran. */
  alertsUnavailable?: string;
  /** Why the suite stopped early, if it did: the faults not finished count as aborted or interrupted. */
  stopped?: { status: 'aborted' | 'interrupted'; reason: string };
}

const FAULT_DEPENDENT = ['faults.detected', 'faults.recovered', 'faults.unrecovered', 'detection.max', 'recovery.max', 'hypothesis.after'] as const;
const ALERT_METRICS = ['alerts.fired', 'alerts.resolved', 'alerts.missing', 'alerts.fire.max', 'alerts.resolve.max'] as const;

export function faultStatus(f: FaultRecord, stopped: SummaryInput['stopped']): ActivityStatus {
  if (f.status === 'failed' || f.notInjected) return 'failed';
  if (!f.injected) return stopped?.status ?? 'aborted';
  if (f.recoveredAtMs === undefined && !f.unrecovered) return stopped?.status ?? 'aborted';
  return f.unrecovered || f.tally.invalid > 0 || f.alert?.problem ? 'deviated' : 'completed';
}

export function summarise(input: SummaryInput): { metrics: Metrics; unmeasured: Record<string, string> } {
  const { records, windows, total } = input;
  const out = metricWriter(FAULT_METRICS);
  const unmeasured: Record<string, string> = {};
  const injected = records.filter((f) => f.injected);
  const notInjected = records.filter((f) => !f.injected);
  out.set('faults.planned', records.length);
  out.set('faults.injected', injected.length);
  out.set('faults.not_injected', notInjected.length);
  out.set('faults.detected', injected.filter((f) => f.detection).length);
  out.set('faults.recovered', injected.filter((f) => f.recoveredAtMs !== undefined).length);
  out.set('faults.unrecovered', injected.filter((f) => f.recoveredAtMs === undefined).length);
  const detections = injected.map((f) => (f.detection ? f.detection.atMs - f.startMs! : undefined));
  if (detections.length && detections.every((d) => d !== undefined)) out.set('detection.max', Math.max(0, ...detections));
  else unmeasured['detection.max'] = detections.length ? `fault ${injected[detections.indexOf(undefined)]!.spec.name} was never detected` : 'no fault was injected';
  const recoveries = injected.map((f) => (f.recoveredAtMs !== undefined ? f.recoveredAtMs - f.endMs! : undefined));
  if (recoveries.length && recoveries.every((r) => r !== undefined)) out.set('recovery.max', Math.max(0, ...recoveries));
  else unmeasured['recovery.max'] = recoveries.length ? `fault ${injected[recoveries.indexOf(undefined)]!.spec.name} did not recover within its limit` : 'no fault was injected';

  const before = windows.filter((w) => w.label === 'before');
  if (before.length) out.set('hypothesis.before', before.every((w) => w.held) ? 1 : 0);
  else unmeasured['hypothesis.before'] = 'no window closed before the first fault';
  const last = records.at(-1)?.spec.name;
  const after = windows.filter((w) => w.label === `after:${last}`);
  if (after.length) out.set('hypothesis.after', after.every((w) => w.held) ? 1 : 0);
  else unmeasured['hypothesis.after'] = 'no window closed after the last fault';
  out.set('hypothesis.during.deviated', windows.filter((w) => w.exempt && !w.held).length);

  out.put('load.capacity.rps', input.capacityRps);
  out.put('load.rate', input.rate);
  putLoadTotals(out, total);
  const during = injected.map((f) => f.tally);
  out.set('fault.requests.sent', during.reduce((a, t) => a + t.sent, 0));
  out.set('fault.errors.total', during.reduce((a, t) => a + errorTotal(t.errors), 0));
  out.set('fault.errors.lost', during.reduce((a, t) => a + t.errors.lost, 0));
  out.set('fault.errors.unanswered', during.reduce((a, t) => a + t.errors.unanswered, 0));
  for (const [reason, n] of Object.entries(total.invalidByReason)) out.set(`responses.invalid.${reason}` as keyof typeof FAULT_METRICS & string, n);
  out.set('responses.rewritten', total.rewritten.checked);
  out.set('responses.rewritten.caught', total.rewritten.caught);
  out.set('responses.rewritten.missed', total.rewritten.checked - total.rewritten.caught);
  out.put('worker.restarts', input.workerRestarts);

  const expecting = records.filter((f) => f.spec.alert);
  out.set('alerts.expected', expecting.length);
  if (expecting.length > 0) {
    if (input.alertsUnavailable) for (const m of ALERT_METRICS) unmeasured[m] = input.alertsUnavailable;
    else {
      const alerts = expecting.filter((f) => f.injected).map((f) => f.alert ?? { name: f.spec.alert! });
      out.set('alerts.fired', alerts.filter((a) => a.firedAtMs !== undefined).length);
      out.set('alerts.resolved', alerts.filter((a) => a.resolvedAtMs !== undefined).length);
      out.set('alerts.missing', alerts.filter((a) => a.problem || a.resolvedAtMs === undefined).length);
      const fires = expecting.filter((f) => f.alert?.firedAtMs !== undefined).map((f) => f.alert!.firedAtMs! - f.startMs!);
      const resolves = expecting.filter((f) => f.alert?.resolvedAtMs !== undefined).map((f) => f.alert!.resolvedAtMs! - Math.max(f.endMs!, f.alert!.firedAtMs!));
      if (fires.length === alerts.length && fires.length) out.set('alerts.fire.max', Math.max(...fires));
      else unmeasured['alerts.fire.max'] = 'an expected alert never fired';
      if (resolves.length === alerts.length && resolves.length) out.set('alerts.resolve.max', Math.max(...resolves));
      else unmeasured['alerts.resolve.max'] = 'an expected alert never resolved';
    }
  }
  // Evidence about faults needs every fault injected: otherwise those checks are inconclusive.
  if (notInjected.length > 0) {
    const why = notInjected.map((f) => `${f.spec.name}: ${f.notInjected ?? 'not reached'}`).join('; ');
    for (const m of [...FAULT_DEPENDENT, ...ALERT_METRICS]) {
      unmeasured[m] = `not every fault was injected (${why})`;
      out.remove(m);
    }
  }
  return { metrics: out.metrics, unmeasured };
}
