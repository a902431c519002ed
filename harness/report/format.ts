// What the reporters share besides numbers (those are in ../format.ts): status symbols, short
// hashes, exit-code words, the order metrics are listed in.
import type { CheckStatus, SuiteOutcome } from '../result.ts';

/** Short enough for a table cell, long enough to tell models apart. */
export function shortSha(sha256: string, length = 12): string {
  return sha256.slice(0, length);
}

/** What each exit code means (README: Exit codes). */
export function describeExitCode(code: number): string {
  switch (code) {
    case 0: return 'pass';
    case 1: return 'gate failed';
    case 2: return 'bad configuration or usage';
    case 3: return 'inconclusive or harness error';
    default: return 'unknown exit code';
  }
}

export const CHECK_SYMBOL: Record<CheckStatus, string> = { pass: '✓', fail: '✗', inconclusive: '?' };

export const OUTCOME_SYMBOL: Record<SuiteOutcome, string> = { pass: '✓', fail: '✗', inconclusive: '?', error: '!' };

/** Metric names sorted so related ones sit together (single.latency.p50 before p95 before p99). */
export function sortMetricNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
