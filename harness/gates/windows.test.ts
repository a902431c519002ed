import { describe, expect, it } from 'vitest';
import type { PlannedCheck, WindowRule } from '../plan.ts';
import type { Metrics } from '../result.ts';
import { parseCheck } from './parse.ts';
import { createWindowJudge } from './windows.ts';

const rule = (over: Partial<WindowRule> = {}): WindowRule => ({ minWindows: 1, abortOnFail: false, abortGraceMs: 0, ...over });
const check = (source: string, window?: Partial<WindowRule>): PlannedCheck => ({
  source,
  expression: parseCheck(source),
  position: { file: 'suite.yaml', line: 3, col: 5 },
  ...(window ? { window: rule(window) } : {}),
});
const p95 = (ms: number): Metrics => ({ 'latency.p95': { value: ms, unit: 'ms' } });

/** Feeds windows of one second each with the given p95s; returns the judge and what each window said. */
function feed(checks: PlannedCheck[], latencies: (number | undefined)[]) {
  const judge = createWindowJudge(checks, {});
  const said = latencies.map((ms, i) => judge.observe({ index: i + 1, startMs: i * 1000, endMs: (i + 1) * 1000, metrics: ms === undefined ? {} : p95(ms) }));
  return { judge, said };
}

describe('checks over windows', () => {
  it('fails on the first failing window, naming it with its values and span', () => {
    const c = check('latency.p95 <= 2s', {});
    const { judge, said } = feed([c], [1500, 1800, 2500, 1900, 3000]);
    expect(said.map((s) => s.verdicts[0]!.status)).toEqual(['pass', 'pass', 'fail', 'pass', 'fail']);
    const result = judge.conclude(c);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/^window 3 \(2 s–3 s\) failed: latency\.p95 2\.5 s <= 2s; 2 of 5 windows failed$/);
    expect(result.left).toBe(2500);
    expect(result.windows).toMatchObject({ closed: 5, counted: 5, judged: 5, failed: 2, firstFailure: { index: 3, startMs: 2000, endMs: 3000, left: 2500 } });
    expect(result.position).toEqual({ file: 'suite.yaml', line: 3, col: 5 });
    expect(judge.abort).toBeUndefined();
  });

  it('passes when every window passes, and says which came closest', () => {
    const c = check('latency.p95 <= 2s', {});
    const result = feed([c], [1500, 1900, 1200]).judge.conclude(c);
    expect(result.status).toBe('pass');
    expect(result.detail).toBe('all 3 windows passed; tightest: window 2, latency.p95 1.9 s <= 2s');
  });

  it('is inconclusive with no window at all: no evidence is never a pass', () => {
    const c = check('latency.p95 <= 2s', {});
    const result = feed([c], []).judge.conclude(c);
    expect(result.status).toBe('inconclusive');
    expect(result.detail).toBe('no window closed, so the check could not be judged');
    expect(result.windows).toMatchObject({ closed: 0, judged: 0, failed: 0 });
  });

  it('counts only windows whose metrics were measured toward minWindows', () => {
    const c = check('latency.p95 <= 2s', { minWindows: 3 });
    const result = feed([c], [1000, undefined, 1200]).judge.conclude(c);
    expect(result.status).toBe('inconclusive');
    expect(result.detail).toMatch(/^2 of 3 windows could be judged; the check needs at least 3; window 2: not measured: latency\.p95/);
  });

  it('with last: N, judges only the last N windows', () => {
    const c = check('latency.p95 <= 2s', { last: 3 });
    const passing = feed([c], [5000, 4000, 1000, 1100, 1200]).judge.conclude(c);
    expect(passing.status).toBe('pass');
    expect(passing.detail).toMatch(/^all 3 windows \(the last 3 of 5\) passed/);
    const failing = feed([c], [5000, 4000, 1000, 2100, 1200]).judge.conclude(c);
    expect(failing.status).toBe('fail');
    expect(failing.windows).toMatchObject({ closed: 5, counted: 3, failed: 1, firstFailure: { index: 4 } });
  });

  it('abortOnFail asks to stop at the first failing window, and only once', () => {
    const c = check('latency.p95 <= 2s', { abortOnFail: true });
    const { judge, said } = feed([c], [1000, 1000, 2500, 3000]);
    expect(said.map((s) => s.abort?.window)).toEqual([undefined, undefined, 3, undefined]);
    expect(judge.abort).toMatchObject({ check: 'latency.p95 <= 2s', window: 3, atMs: 3000 });
    expect(judge.abort!.reason).toBe('stopped early: window 3 (2 s–3 s) failed latency.p95 <= 2s (latency.p95 2.5 s <= 2s)');
    expect(judge.conclude(c).windows?.aborted).toBe(true);
  });

  it('abortGrace: a window that ends inside the grace fails the check but does not stop the suite', () => {
    const c = check('latency.p95 <= 2s', { abortOnFail: true, abortGraceMs: 2500 });
    const { judge, said } = feed([c], [3000, 3000, 3000]);
    expect(said.map((s) => s.abort?.window)).toEqual([undefined, undefined, 3]);
    expect(judge.conclude(c).status).toBe('fail');
    expect(judge.conclude(c).windows?.firstFailure?.index).toBe(1);
  });

  it('judges only the checks over windows, each on its own', () => {
    const plain = check('latency.p95 <= 1s');
    const loose = check('latency.p95 <= 5s', {});
    const { judge, said } = feed([plain, loose], [3000]);
    expect(said[0]!.verdicts.map((v) => v.source)).toEqual(['latency.p95 <= 5s']);
    expect(judge.conclude(loose).status).toBe('pass');
    expect(() => judge.conclude(plain)).toThrow(/not a check over windows/);
  });
});
