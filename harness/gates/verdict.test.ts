import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../result.ts';
import { exitCodeFor, judgeGate, judgeRun, judgeSuite, type SuiteSummary } from './verdict.ts';

const check = (status: CheckStatus, source = `check ${status}`): CheckResult => ({ source, status, operator: '<', detail: '' });

describe('judgeSuite', () => {
  it.each([
    [['pass', 'pass'], 'pass'],
    [['pass', 'fail', 'inconclusive'], 'fail'],
    [['pass', 'inconclusive'], 'inconclusive'],
    [[], 'inconclusive'],
  ] as const)('%j → %s', (statuses, outcome) => {
    const judged = judgeSuite(statuses.map((s) => check(s)));
    expect(judged.outcome).toBe(outcome);
    expect(judged.reason).not.toContain('\n');
  });

  it('names the failed checks', () => {
    expect(judgeSuite([check('fail', 'errors.rate < 1%'), check('pass')]).reason).toBe('1 check failed: errors.rate < 1%');
  });

  it('keeps an errored suite errored, whatever its checks', () => {
    expect(judgeSuite([check('pass')], undefined, 'model failed to load')).toEqual({ outcome: 'error', reason: 'model failed to load' });
    expect(judgeSuite([check('fail')], 'too short', 'crashed').outcome).toBe('error');
  });

  it('is inconclusive when the runner says its evidence is not enough', () => {
    expect(judgeSuite([check('pass')], 'interrupted')).toEqual({ outcome: 'inconclusive', reason: 'interrupted' });
  });
});

describe('judgeGate', () => {
  const kinds: Record<string, { implemented: boolean }> = {
    bench: { implemented: true },
    accuracy: { implemented: true },
    load: { implemented: false },
  };
  const suite = (name: string, kind: string, outcome: SuiteSummary['outcome']): SuiteSummary => ({ name, kind, outcome });

  it('passes only when every suite passed and every needed kind is covered', () => {
    const judged = judgeGate([suite('a', 'accuracy', 'pass'), suite('b', 'bench', 'pass')], ['accuracy', 'bench'], kinds);
    expect(judged).toMatchObject({ verdict: 'pass', exitCode: 0, missingKinds: [], unimplementedKinds: [] });
  });

  it('is inconclusive when a needed kind has no suite', () => {
    const judged = judgeGate([suite('b', 'bench', 'pass')], ['accuracy', 'bench'], kinds);
    expect(judged).toMatchObject({ verdict: 'inconclusive', exitCode: 3, missingKinds: ['accuracy'] });
    expect(judged.reason).toContain('no suite covers accuracy');
  });

  it('is inconclusive when a needed kind is not implemented, even if a suite of it passed', () => {
    const judged = judgeGate([suite('b', 'bench', 'pass'), suite('l', 'load', 'pass')], ['bench', 'load'], kinds);
    expect(judged).toMatchObject({ verdict: 'inconclusive', unimplementedKinds: ['load'], missingKinds: [] });
    expect(judged.reason).toContain('not implemented yet: load');
  });

  it('fails on any failed suite, and still names missing kinds', () => {
    const judged = judgeGate([suite('b', 'bench', 'fail'), suite('a', 'accuracy', 'inconclusive')], ['bench', 'load'], kinds);
    expect(judged).toMatchObject({ verdict: 'fail', exitCode: 1 });
    expect(judged.reason).toBe('1 suite failed: b (also no suite covers load; not implemented yet: load)');
  });

  it.each(['error', 'inconclusive'] as const)('is inconclusive when a suite is %s', (outcome) => {
    expect(judgeGate([suite('a', 'accuracy', 'pass'), suite('b', 'bench', outcome)], [], kinds).verdict).toBe('inconclusive');
  });

  it('is inconclusive with no suites at all', () => {
    expect(judgeGate([], [], kinds)).toMatchObject({ verdict: 'inconclusive', reason: 'no suite ran, so there is no evidence' });
  });

  it('maps verdicts to exit codes', () => {
    expect([exitCodeFor('pass'), exitCodeFor('fail'), exitCodeFor('inconclusive')]).toEqual([0, 1, 3]);
  });
});

describe('judgeRun', () => {
  const passed: SuiteSummary[] = [{ name: 'a', kind: 'bench', outcome: 'pass' }];

  it('is the gate verdict when nothing went wrong around the suites', () => {
    expect(judgeRun(passed, ['bench'])).toMatchObject({ verdict: 'pass', exitCode: 0 });
  });

  it('cannot pass when interrupted or when the harness had errors', () => {
    expect(judgeRun(passed, [], { interrupted: true })).toMatchObject({ verdict: 'inconclusive', exitCode: 3, reason: 'the run was interrupted' });
    expect(judgeRun(passed, [], { harnessErrors: ['junit reporter: EACCES'] })).toMatchObject({
      verdict: 'inconclusive',
      reason: '1 harness error: junit reporter: EACCES',
    });
  });

  it('still fails on a failure found before the interruption', () => {
    expect(judgeRun([{ name: 'a', kind: 'bench', outcome: 'fail' }], [], { interrupted: true }).verdict).toBe('fail');
  });
});
