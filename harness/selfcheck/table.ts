// The self-check's verdict from a run's suite results: for each planted regression, the checks
// that failed on it (caught) or none (NOT CAUGHT); for the clean server, whether every suite
// passed. An errored or inconclusive suite catches nothing: a gate that cannot judge has not
// detected the regression. Exit 0 only when every regression run was caught and the clean
// server, when it ran, passed everything.
import { EXIT } from '../exit-codes.ts';
import type { SuiteResult } from '../result.ts';
import { splitSuiteName } from './plans.ts';

export interface ScenarioRow {
  name: string;
  planted: string;
  /** `suite: check` for every check that failed on this scenario. */
  failedChecks: string[];
  /** Suites that did not end pass or fail, with the reason. */
  unjudged: string[];
  /** For a regression: caught or NOT CAUGHT; for the clean server: passed or FAILED. */
  status: 'caught' | 'NOT CAUGHT' | 'passed' | 'FAILED';
}

export interface SelfcheckVerdict {
  rows: ScenarioRow[];
  /** True when the clean server ran and passed every suite; undefined when it did not run. */
  cleanPassed?: boolean;
  exitCode: number;
  summary: string;
}

export function judgeSelfcheck(scenarios: readonly { name: string; planted: string }[], results: readonly SuiteResult[]): SelfcheckVerdict {
  const rows: ScenarioRow[] = [];
  for (const { name, planted } of scenarios) {
    if (rows.some((r) => r.name === name)) continue; // clean has a model and a stand-in part: one row
    const own = results.filter((r) => splitSuiteName(r.name).scenario === name);
    const failedChecks = own.flatMap((r) => r.checks.filter((c) => c.status === 'fail').map((c) => `${splitSuiteName(r.name).suite}: ${c.source}`));
    const unjudged = own.filter((r) => r.outcome === 'error' || r.outcome === 'inconclusive').map((r) => `${splitSuiteName(r.name).suite} ${r.outcome}${r.reason ? `: ${r.reason}` : ''}`);
    const isClean = name === 'clean';
    const status: ScenarioRow['status'] = isClean
      ? own.length > 0 && own.every((r) => r.outcome === 'pass') ? 'passed' : 'FAILED'
      : failedChecks.length > 0 ? 'caught' : 'NOT CAUGHT';
    rows.push({ name, planted, failedChecks, unjudged, status });
  }
  const clean = rows.find((r) => r.name === 'clean');
  const missed = rows.filter((r) => r.status === 'NOT CAUGHT');
  const regressions = rows.filter((r) => r.name !== 'clean');
  const cleanPassed = clean ? clean.status === 'passed' : undefined;
  const ok = missed.length === 0 && cleanPassed !== false;
  const parts = [
    `${regressions.length - missed.length} of ${regressions.length} regressions caught${missed.length > 0 ? ` (not caught: ${missed.map((r) => r.name).join(', ')})` : ''}`,
    clean ? `clean server ${cleanPassed ? 'passed every suite' : 'FAILED'}` : 'clean server not run',
  ];
  return { rows, ...(cleanPassed !== undefined ? { cleanPassed } : {}), exitCode: ok ? EXIT.pass : EXIT.fail, summary: parts.join('; ') };
}

/** The table as text: one line per scenario, then the checks that caught it, one per line. */
export function formatSelfcheckTable(verdict: SelfcheckVerdict): string {
  const nameWidth = Math.max(10, ...verdict.rows.map((r) => r.name.length));
  const plantedWidth = Math.max(7, ...verdict.rows.map((r) => r.planted.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(nameWidth)}  ${b.padEnd(plantedWidth)}  ${c}`;
  const out = [line('regression', 'planted', 'result: checks that failed'), line('-'.repeat(nameWidth), '-'.repeat(plantedWidth), '-'.repeat(26))];
  for (const row of verdict.rows) {
    const [first, ...rest] = row.failedChecks;
    const head = row.name === 'clean' && row.status === 'passed' ? 'passed every suite' : `${row.status}${first ? `: ${first}` : ''}`;
    out.push(line(row.name, row.planted, head));
    for (const c of rest) out.push(line('', '', `${' '.repeat(row.status.length + 2)}${c}`));
    for (const u of row.unjudged) out.push(line('', '', `  (${u})`));
  }
  out.push('', verdict.summary);
  return out.join('\n');
}
