// The rollout's decisions: passing intervals promote step by step and complete at 100 %; a fired
// trigger rolls back at once; too little evidence holds and, past the limit, pauses, never
// promotes; a trigger within its duration holds without pausing, so it gets to fire.
import { describe, expect, it } from 'vitest';
import { Procedure } from './procedure.ts';
import type { TriggerStatus, TriggerVerdict } from './triggers.ts';

const all = (status: TriggerStatus, over: Partial<Record<TriggerVerdict['trigger'], TriggerStatus>> = {}): TriggerVerdict[] =>
  (['error-rate', 'memory', 'latency', 'corruption', 'silence'] as const).map((trigger) => ({ trigger, status: over[trigger] ?? status, why: 'test' }));

describe('Procedure', () => {
  it('promotes 10 → 50 → 100 and completes only after every step held its passing intervals', () => {
    const p = new Procedure([10, 50, 100], 2, 2);
    const actions = Array.from({ length: 6 }, () => p.decide(all('quiet')).action);
    expect(actions).toEqual(['hold', 'promote', 'hold', 'promote', 'hold', 'complete']);
    expect(p.outcome).toBe('promoted');
    expect(p.maxWeight).toBe(100);
  });

  it('rolls back at the first fired trigger, whatever the step', () => {
    const p = new Procedure([10, 50, 100], 1, 2);
    p.decide(all('quiet'));
    const d = p.decide(all('quiet', { latency: 'fired' }));
    expect(d).toMatchObject({ verdict: 'failed', action: 'rollback', weight: 0 });
    expect(p.outcome).toBe('rolled-back');
    expect(p.weight).toBe(0);
  });

  it('never promotes on inconclusive intervals, and pauses past the limit', () => {
    const p = new Procedure([10, 50, 100], 1, 2);
    expect([1, 2].map(() => p.decide(all('quiet', { 'error-rate': 'inconclusive' })).action)).toEqual(['hold', 'hold']);
    expect(p.decide(all('quiet', { latency: 'inconclusive' })).action).toBe('pause');
    expect(p.outcome).toBe('paused');
    expect(p.maxWeight).toBe(10);
  });

  it('holds without pausing while a trigger is pending, and counts no interval with every trigger off as a pass', () => {
    const p = new Procedure([10, 50, 100], 1, 0);
    for (let i = 0; i < 5; i++) expect(p.decide(all('quiet', { memory: 'pending', 'error-rate': 'inconclusive' })).action).toBe('hold');
    expect(p.decide(all('quiet', { memory: 'fired' })).action).toBe('rollback');
    const q = new Procedure([10, 50, 100], 1, 0);
    expect(q.decide(all('off')).action).toBe('pause');
  });
});
