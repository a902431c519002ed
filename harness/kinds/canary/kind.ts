// The suite kind `canary`.
import { resolveToxics, ToxicError, type Toxic } from '../../faults/proxy/toxics.ts';
import { defineKind, type ParamsProblem } from '../kind.ts';
import { CANARY_METRICS, CANARY_WINDOW_METRICS } from './metrics.ts';
import { CANARY_PARAMS } from './params.ts';

/** What the schema cannot say: one expectation, rising steps ending at 100, faults on real steps with valid toxics. */
function checkCanaryParams(params: Record<string, unknown>): ParamsProblem[] {
  const problems: ParamsProblem[] = [];
  const expect = (params['expect'] as Record<string, unknown> | undefined) ?? {};
  const says = ['promoted', 'rollback'].filter((k) => expect[k] !== undefined && expect[k] !== false);
  if (says.length !== 1) problems.push({ path: ['expect'], message: says.length ? 'expect: names both a promotion and a rollback' : 'expect: says nothing', expected: 'exactly one of `promoted: true` or `rollback: <trigger>` (error-rate, memory, latency, corruption, silence)' });
  const keyOf: Record<string, string> = { 'error-rate': 'errorRate', memory: 'memory', latency: 'latency', corruption: 'corruption', silence: 'silence' };
  const wanted = typeof expect['rollback'] === 'string' ? keyOf[expect['rollback']] : undefined;
  const triggers = (params['triggers'] as Record<string, Record<string, unknown>> | undefined) ?? {};
  if (wanted && triggers[wanted]?.['enabled'] === false) problems.push({ path: ['triggers', wanted, 'enabled'], message: `the suite expects a rollback by ${String(expect['rollback'])}, and this trigger is disabled`, expected: 'enabled: true, or another expect:' });
  const steps = (params['steps'] as number[] | undefined) ?? [10, 50, 100];
  steps.forEach((w, i) => {
    if (i > 0 && w <= steps[i - 1]!) problems.push({ path: ['steps', i], message: `step ${w} % does not rise above ${steps[i - 1]} %`, expected: 'rising weights, e.g. [10, 50, 100]' });
  });
  if (steps.at(-1) !== 100) problems.push({ path: ['steps', steps.length - 1], message: `the last step is ${steps.at(-1)} %, so the candidate would never be promoted`, expected: 'a last step of 100' });
  const faults = (params['faults'] as Record<string, unknown>[] | undefined) ?? [];
  faults.forEach((f, i) => {
    if (!steps.includes(Number(f['step']))) problems.push({ path: ['faults', i, 'step'], message: `step ${f['step']} % is not one of the steps (${steps.join(', ')})`, expected: 'the weight of a step' });
    try {
      resolveToxics((f['toxics'] as Toxic[] | undefined) ?? []);
    } catch (err) {
      if (!(err instanceof ToxicError)) throw err;
      problems.push({ path: ['faults', i], message: err.message, expected: 'toxics as the fault proxy takes them (harness/faults/proxy/toxics.ts)' });
    }
  });
  return problems;
}

export const canary = defineKind({
  name: 'canary',
  description:
    'canary rollout on real traffic: a weighted router between the baseline (compare:) and the candidate (target:), steps 10 → 50 → 100 % each held for analysis intervals judged on the plan’s triggers (error rate, memory, latency by Mann–Whitney U, corrupt answers, /health silence), rollback timed, with a decision log',
  params: CANARY_PARAMS,
  metrics: CANARY_METRICS,
  windowMetrics: CANARY_WINDOW_METRICS,
  // Nightly durations (5 to 10 min a trigger, several steps) run long.
  timeoutMs: 3 * 3_600_000,
  runner: () => import('./runner.ts').then((m) => m.runCanary),
  checkParams: checkCanaryParams,
});
