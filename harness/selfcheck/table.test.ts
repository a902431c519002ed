// The self-check's verdict on results built by hand: a regression no check failed on, or a clean
// server that did not pass everything, makes the exit code 1.
import { describe, expect, it } from 'vitest';
import type { CheckResult, SuiteResult } from '../result.ts';
import { formatSelfcheckTable, judgeSelfcheck } from './table.ts';

const check = (source: string, status: CheckResult['status']): CheckResult => ({ source, status, operator: '==', detail: `${source} ${status}` });

function suite(name: string, outcome: SuiteResult['outcome'], checks: CheckResult[], reason?: string): SuiteResult {
  return {
    name,
    kind: 'load',
    file: `/x/${name}.yaml`,
    fileSha256: '0',
    target: { ref: 'http:x', kind: 'http' },
    outcome,
    ...(reason ? { reason } : {}),
    metrics: {},
    checks,
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 1,
  };
}

const scenarios = [
  { name: 'clean', planted: 'nothing' },
  { name: 'clean', planted: 'nothing' },
  { name: 'drops', planted: '1 % drops' },
  { name: 'perturb', planted: 'cosine 0.997' },
];
const cleanPass = [
  suite('clean/fidelity', 'pass', [check('cosine.min >= 0.999', 'pass')]),
  suite('clean/load', 'pass', [check('errors.lost == 0', 'pass'), check('errors.rate < 0.5%', 'pass')]),
];
const dropsCaught = suite('drops/load', 'fail', [check('errors.lost == 0', 'fail'), check('errors.rate < 0.5%', 'fail'), check('errors.status == 0', 'pass')]);
const perturbCaught = suite('perturb/fidelity', 'fail', [check('cosine.min >= 0.999', 'fail')]);

describe('judgeSelfcheck', () => {
  it('exits 0 when every regression was caught and the clean server passed, naming the checks that caught each', () => {
    const v = judgeSelfcheck(scenarios, [...cleanPass, dropsCaught, perturbCaught]);
    expect(v.exitCode).toBe(0);
    expect(v.cleanPassed).toBe(true);
    expect(v.rows.map((r) => [r.name, r.status])).toEqual([['clean', 'passed'], ['drops', 'caught'], ['perturb', 'caught']]);
    expect(v.rows[1]!.failedChecks).toEqual(['load: errors.lost == 0', 'load: errors.rate < 0.5%']);
    expect(v.summary).toBe('2 of 2 regressions caught; clean server passed every suite');
  });

  it('exits 1 when a regression passed every check, and says which', () => {
    const missed = suite('drops/load', 'pass', [check('errors.lost == 0', 'pass')]);
    const v = judgeSelfcheck(scenarios, [...cleanPass, missed, perturbCaught]);
    expect(v.exitCode).toBe(1);
    expect(v.rows.find((r) => r.name === 'drops')!.status).toBe('NOT CAUGHT');
    expect(v.summary).toMatch(/1 of 2 regressions caught \(not caught: drops\)/);
    expect(formatSelfcheckTable(v)).toMatch(/^drops\s+1 % drops\s+NOT CAUGHT$/m);
  });

  it('does not count a suite that errored as catching the regression', () => {
    const errored = suite('perturb/fidelity', 'error', [], 'http target: HTTP 503');
    const v = judgeSelfcheck(scenarios, [...cleanPass, dropsCaught, errored]);
    expect(v.exitCode).toBe(1);
    const row = v.rows.find((r) => r.name === 'perturb')!;
    expect(row).toMatchObject({ status: 'NOT CAUGHT', unjudged: ['fidelity error: http target: HTTP 503'] });
    expect(formatSelfcheckTable(v)).toContain('(fidelity error: http target: HTTP 503)');
  });

  it('exits 1 when the clean server failed a check, even with every regression caught', () => {
    const cleanFail = [cleanPass[0]!, suite('clean/load', 'fail', [check('errors.lost == 0', 'fail')])];
    const v = judgeSelfcheck(scenarios, [...cleanFail, dropsCaught, perturbCaught]);
    expect(v.exitCode).toBe(1);
    expect(v.cleanPassed).toBe(false);
    expect(v.rows[0]).toMatchObject({ name: 'clean', status: 'FAILED', failedChecks: ['load: errors.lost == 0'] });
    expect(v.summary).toMatch(/clean server FAILED/);
  });

  it('exits 1 when a clean suite was only inconclusive', () => {
    const unsure = [cleanPass[0]!, suite('clean/load', 'inconclusive', [check('errors.lost == 0', 'inconclusive')], 'generator saturated')];
    const v = judgeSelfcheck(scenarios, [...unsure, dropsCaught, perturbCaught]);
    expect(v.exitCode).toBe(1);
    expect(v.rows[0]!.unjudged).toEqual(['load inconclusive: generator saturated']);
  });

  it('without the clean server (a subset), judges the regressions alone and says the clean server did not run', () => {
    const v = judgeSelfcheck(scenarios.slice(2), [dropsCaught, perturbCaught]);
    expect(v.exitCode).toBe(0);
    expect(v.cleanPassed).toBeUndefined();
    expect(v.summary).toMatch(/clean server not run/);
  });
});
