// A fault suite's metrics from its fault records and windows: the slowest detection and recovery,
// every request accounted for, answers the fault proxy rewrote apart from the target's, and a
// fault that could not be injected leaving the checks on faults inconclusive, never a pass.
import { describe, expect, it } from 'vitest';
import { evaluateCheck } from '../../gates/evaluate.ts';
import { parseCheck } from '../../gates/parse.ts';
import { emptyTally } from '../../http-client/tally.ts';
import type { FaultSpec } from './params.ts';
import { faultStatus, summarise, type SummaryInput, type WindowNote } from './summarise.ts';
import { faultRecord, type FaultRecord } from './timeline.ts';

const spec = (name: string, alert?: string): FaultSpec => ({ name, type: 'kill-worker', start: 0, duration: 0, ...(alert ? { alert } : {}) }) as FaultSpec;

function record(name: string, over: Partial<FaultRecord>, alert?: string): FaultRecord {
  return Object.assign(faultRecord(spec(name, alert), 10_000), over);
}

const windows: WindowNote[] = [
  { index: 1, startMs: 0, endMs: 1000, label: 'before', held: true },
  { index: 2, startMs: 1000, endMs: 2000, label: 'during:a', held: false, why: 'x', exempt: true },
  { index: 3, startMs: 2000, endMs: 3000, label: 'after:a', held: true },
  { index: 4, startMs: 3000, endMs: 4000, label: 'during:b', held: false, why: 'y', exempt: true },
  { index: 5, startMs: 4000, endMs: 5000, label: 'after:b', held: true },
];

function input(records: FaultRecord[], over: Partial<SummaryInput> = {}): SummaryInput {
  const total = emptyTally();
  Object.assign(total, { sent: 100, answered: 95, checked: 90, invalid: 0, rewritten: { checked: 6, caught: 5 } });
  total.errors = { status: 2, timeout: 1, reset: 0, connection: 0, lost: 1, unanswered: 1 };
  return { records, windows, total, capacityRps: 40, rate: 20, ...over };
}

const judge = (out: ReturnType<typeof summarise>, check: string) => evaluateCheck(parseCheck(check), { self: out.metrics, machine: {}, unmeasured: { self: out.unmeasured } });
const value = (out: ReturnType<typeof summarise>, name: string) => out.metrics[name]?.value;

describe('summarise', () => {
  const a = () => record('a', { injected: true, startMs: 1000, endMs: 1200, detection: { atMs: 1400, what: '/health' }, recoveredAtMs: 3000 });
  const b = () => record('b', { injected: true, startMs: 3000, endMs: 3500, detection: { atMs: 4000, what: 'the load' }, recoveredAtMs: 5000 });

  it('the slowest detection (start → first sign) and recovery (end → end of the first holding window) count', () => {
    const out = summarise(input([a(), b()]));
    expect(value(out, 'detection.max')).toBe(1000);
    expect(value(out, 'recovery.max')).toBe(1800);
    expect(value(out, 'faults.injected')).toBe(2);
    expect(value(out, 'faults.detected')).toBe(2);
    expect(value(out, 'faults.recovered')).toBe(2);
    expect(value(out, 'faults.unrecovered')).toBe(0);
    expect(value(out, 'hypothesis.before')).toBe(1);
    expect(value(out, 'hypothesis.after')).toBe(1);
    expect(value(out, 'hypothesis.during.deviated')).toBe(2);
    expect(out.unmeasured).toEqual({});
    expect(judge(out, 'faults.unrecovered == 0').status).toBe('pass');
  });

  it('every request is accounted for, and answers the proxy rewrote are counted apart from the target’s wrong answers', () => {
    const out = summarise(input([a(), b()]));
    expect(value(out, 'requests.sent')).toBe(100);
    expect(value(out, 'errors.total')).toBe(5);
    expect(value(out, 'errors.rate')).toBe(0.05);
    expect(value(out, 'responses.invalid')).toBe(0);
    expect(value(out, 'responses.rewritten')).toBe(6);
    expect(value(out, 'responses.rewritten.caught')).toBe(5);
    expect(value(out, 'responses.rewritten.missed')).toBe(1);
    expect(judge(out, 'responses.rewritten.missed == 0').status).toBe('fail');
  });

  it('a fault not injected makes every check on faults inconclusive, never a pass', () => {
    const refused = record('b', { startMs: 3000, endMs: 3000, notInjected: 'no worker process', status: 'failed' });
    const out = summarise(input([a(), refused]));
    expect(value(out, 'faults.not_injected')).toBe(1);
    for (const check of ['faults.unrecovered == 0', 'recovery.max <= 10s', 'detection.max <= 5s', 'hypothesis.after == 1', 'faults.detected >= 1']) {
      const r = judge(out, check);
      expect(r.status, check).toBe('inconclusive');
      expect(r.detail).toMatch(/not every fault was injected \(b: no worker process\)/);
    }
    expect(judge(out, 'faults.not_injected == 0').status).toBe('fail');
    expect(faultStatus(refused, undefined)).toBe('failed');
  });

  it('a fault never detected, or not recovered in time, leaves its time unmeasured and says which', () => {
    const unseen = record('b', { injected: true, startMs: 3000, endMs: 3500, unrecovered: true });
    const out = summarise(input([a(), unseen]));
    expect(out.unmeasured['detection.max']).toBe('fault b was never detected');
    expect(out.unmeasured['recovery.max']).toBe('fault b did not recover within its limit');
    expect(value(out, 'faults.unrecovered')).toBe(1);
    expect(judge(out, 'faults.unrecovered == 0').status).toBe('fail');
    expect(judge(out, 'recovery.max <= 10s').status).toBe('inconclusive');
    expect(faultStatus(unseen, undefined)).toBe('deviated');
  });

  it('without Prometheus the alert checks are inconclusive; with it, a missing alert fails', () => {
    const withAlert = () => record('a', { injected: true, startMs: 1000, endMs: 1200, detection: { atMs: 1400, what: '/health' }, recoveredAtMs: 3000 }, 'EmbedgateWorkerRestarted');
    const none = summarise(input([withAlert()], { alertsUnavailable: 'no prometheus binary' }));
    expect(judge(none, 'alerts.missing == 0').status).toBe('inconclusive');
    const silent = withAlert();
    silent.alert = { name: 'EmbedgateWorkerRestarted', problem: 'did not fire within 10 s' };
    const out = summarise(input([silent]));
    expect(value(out, 'alerts.expected')).toBe(1);
    expect(value(out, 'alerts.fired')).toBe(0);
    expect(judge(out, 'alerts.missing == 0').status).toBe('fail');
    expect(faultStatus(silent, undefined)).toBe('deviated');
  });

  it('a fault the run stopped before it settled is aborted or interrupted, never completed', () => {
    const pending = record('a', { injected: true, startMs: 1000 });
    expect(faultStatus(pending, { status: 'interrupted', reason: 'SIGINT' })).toBe('interrupted');
    expect(faultStatus(pending, undefined)).toBe('aborted');
    expect(faultStatus(a(), undefined)).toBe('completed');
  });
});
