// Counts the verdicts of every input into the suite's metrics, overall and per group.
import type { CaseResult, Group, Verdict } from './case.ts';

const METRIC_OF: Record<Exclude<Verdict, 'ok'>, string> = {
  'accepted-bad': 'inputs.accepted_bad',
  'rejected-good': 'inputs.rejected_good',
  unclear: 'inputs.unclear',
  crash: 'inputs.crashes',
  hung: 'inputs.hung',
};

export function summarise(results: readonly CaseResult[]): { counts: Record<string, number>; byGroup: Partial<Record<Group, Record<Verdict, number>>> } {
  const counts: Record<string, number> = { 'inputs.tried': results.length, 'inputs.passed': 0, 'inputs.generated.failed': 0 };
  for (const m of Object.values(METRIC_OF)) counts[m] = 0;
  const byGroup: Partial<Record<Group, Record<Verdict, number>>> = {};
  for (const r of results) {
    const g = (byGroup[r.group] ??= { ok: 0, 'accepted-bad': 0, 'rejected-good': 0, unclear: 0, crash: 0, hung: 0 });
    g[r.verdict]++;
    if (r.verdict === 'ok') counts['inputs.passed']!++;
    else {
      counts[METRIC_OF[r.verdict]]!++;
      if (r.group === 'generated') counts['inputs.generated.failed']!++;
    }
  }
  return { counts, byGroup };
}
