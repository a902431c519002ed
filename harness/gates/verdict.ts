// From check results to suite outcomes, and from suite outcomes to the gate's verdict and exit
// code. Pure functions; each answer carries a one-line reason a reviewer can act on.
import { EXIT } from '../exit-codes.ts';
import { SUITE_KINDS } from '../kinds/registry.ts';
import type { CheckResult, SuiteOutcome, Verdict } from '../result.ts';

export interface SuiteJudgement {
  outcome: SuiteOutcome;
  reason: string;
}

/**
 * A suite's outcome from its checks. `inconclusive` is the runner's own reason the evidence is not
 * enough (run too short, interrupted): the suite is then inconclusive whatever its checks say.
 * `error` is why the suite could not run at all; it stays `error`. Zero checks prove nothing.
 */
export function judgeSuite(checks: readonly CheckResult[], inconclusive?: string, error?: string): SuiteJudgement {
  if (error !== undefined) return { outcome: 'error', reason: error };
  if (inconclusive !== undefined) return { outcome: 'inconclusive', reason: inconclusive };
  if (checks.length === 0) return { outcome: 'inconclusive', reason: 'the suite has no checks, so it proves nothing' };
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length > 0) return { outcome: 'fail', reason: `${count(failed.length, 'check')} failed: ${list(failed)}` };
  const unsure = checks.filter((c) => c.status === 'inconclusive');
  if (unsure.length > 0) {
    return { outcome: 'inconclusive', reason: `${count(unsure.length, 'check')} could not be judged: ${list(unsure)}` };
  }
  return { outcome: 'pass', reason: `all ${count(checks.length, 'check')} passed` };
}

export interface SuiteSummary {
  name: string;
  kind: string;
  outcome: SuiteOutcome;
}

export interface GateJudgement {
  verdict: Verdict;
  reason: string;
  exitCode: number;
  /** Needed kinds no suite of the run covered. */
  missingKinds: string[];
  /** Needed kinds that have no runner yet (implemented: false), covered or not. */
  unimplementedKinds: string[];
}

/**
 * The verdict of a gate (or of a plain run, with `needs` empty). A failed suite fails the gate even
 * when evidence is missing elsewhere: nothing more could turn it into a pass. Otherwise missing or
 * unimplemented needed kinds, errors and inconclusive suites make it inconclusive, and it passes
 * only if every suite passed and every needed kind was covered by an implemented suite.
 */
export function judgeGate(
  suites: readonly SuiteSummary[],
  needs: readonly string[] = [],
  kinds: Readonly<Record<string, { implemented: boolean }>> = SUITE_KINDS,
): GateJudgement {
  const covered = new Set(suites.map((s) => s.kind));
  const missingKinds = needs.filter((k) => !covered.has(k));
  const unimplementedKinds = needs.filter((k) => kinds[k]?.implemented !== true);
  const verdict = (v: Verdict, reason: string): GateJudgement => ({
    verdict: v,
    reason,
    exitCode: exitCodeFor(v),
    missingKinds,
    unimplementedKinds,
  });
  const gaps = [
    missingKinds.length > 0 ? `no suite covers ${missingKinds.join(', ')}` : '',
    unimplementedKinds.length > 0 ? `not implemented yet: ${unimplementedKinds.join(', ')}` : '',
  ].filter(Boolean);

  const failed = suites.filter((s) => s.outcome === 'fail');
  if (failed.length > 0) {
    const also = gaps.length > 0 ? ` (also ${gaps.join('; ')})` : '';
    return verdict('fail', `${count(failed.length, 'suite')} failed: ${names(failed)}${also}`);
  }
  if (gaps.length > 0) return verdict('inconclusive', `needed evidence is missing: ${gaps.join('; ')}`);
  const errored = suites.filter((s) => s.outcome === 'error');
  const unsure = suites.filter((s) => s.outcome === 'inconclusive');
  if (errored.length > 0 || unsure.length > 0) {
    const parts = [
      errored.length > 0 ? `${count(errored.length, 'suite')} could not run: ${names(errored)}` : '',
      unsure.length > 0 ? `${count(unsure.length, 'suite')} inconclusive: ${names(unsure)}` : '',
    ].filter(Boolean);
    return verdict('inconclusive', parts.join('; '));
  }
  if (suites.length === 0) return verdict('inconclusive', 'no suite ran, so there is no evidence');
  return verdict('pass', `all ${count(suites.length, 'suite')} passed`);
}

export interface RunCircumstances {
  /** Ctrl-C or SIGTERM stopped the run before every suite ran. */
  interrupted?: boolean;
  /** Failures of reporters or of the harness itself. */
  harnessErrors?: readonly string[];
}

/**
 * The verdict of a whole run: the gate's verdict, except that an interrupted run or one with
 * harness errors cannot pass (a failure found before the interruption still fails it).
 */
export function judgeRun(
  suites: readonly SuiteSummary[],
  needs: readonly string[] = [],
  circumstances: RunCircumstances = {},
  kinds: Readonly<Record<string, { implemented: boolean }>> = SUITE_KINDS,
): GateJudgement {
  const judged = judgeGate(suites, needs, kinds);
  if (judged.verdict === 'fail') return judged;
  const problems = [
    circumstances.interrupted ? 'the run was interrupted' : '',
    circumstances.harnessErrors?.length ? `${count(circumstances.harnessErrors.length, 'harness error')}: ${circumstances.harnessErrors.join('; ')}` : '',
  ].filter(Boolean);
  if (problems.length === 0) return judged;
  const reason = judged.verdict === 'pass' ? problems.join('; ') : `${problems.join('; ')}; ${judged.reason}`;
  return { ...judged, verdict: 'inconclusive', exitCode: exitCodeFor('inconclusive'), reason };
}

/** 0 pass, 1 fail, 3 inconclusive. (2 is bad configuration, decided before anything runs.) */
export function exitCodeFor(verdict: Verdict): number {
  return EXIT[verdict];
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function names(suites: readonly SuiteSummary[]): string {
  return suites.map((s) => s.name).join(', ');
}

function list(checks: readonly CheckResult[]): string {
  return checks.map((c) => c.source).join('; ');
}
