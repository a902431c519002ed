// The request accounting of many load phases (windows) summed: sent, answered, checked, invalid
// answers by reason, and errors by kind, so a suite's totals keep every window's lost request.
import type { ErrorCounts, PhaseResult } from './phase.ts';

export interface Tally {
  sent: number;
  answered: number;
  checked: number;
  invalid: number;
  invalidByReason: Record<string, number>;
  /** Answers the fault proxy rewrote on purpose, checked apart from the target's, and those the checks caught. */
  rewritten: { checked: number; caught: number };
  errors: ErrorCounts;
}

export const emptyTally = (): Tally => ({ sent: 0, answered: 0, checked: 0, invalid: 0, invalidByReason: {}, rewritten: { checked: 0, caught: 0 }, errors: { status: 0, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0 } });

export function addToTally(t: Tally, r: PhaseResult): void {
  t.sent += r.sent;
  t.answered += r.answered;
  t.checked += r.checked;
  t.invalid += r.invalid.total;
  t.rewritten.checked += r.rewritten?.checked ?? 0;
  t.rewritten.caught += r.rewritten?.caught ?? 0;
  for (const [reason, n] of Object.entries(r.invalid.byReason)) t.invalidByReason[reason] = (t.invalidByReason[reason] ?? 0) + (n ?? 0);
  for (const k of Object.keys(t.errors) as (keyof ErrorCounts)[]) t.errors[k] += r.errors[k];
}
