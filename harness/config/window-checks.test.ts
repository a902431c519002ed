// The mapping form of a check (`check:`, `over: windows`, …): what it loads into, and every way it
// can be wrong, each with file:line:col.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS_WITH_WINDOWED } from '../gates/testing/windowed-kind.ts';
import { formatConfigErrors } from './errors.ts';
import { loadSuite } from './suite.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'embedgate-window-checks-'));
let n = 0;
function load(checks: string, kind = 'windowed') {
  const file = path.join(dir, `s${++n}.yaml`);
  writeFileSync(file, `suite: w\nkind: ${kind}\ntarget: { http: "http://127.0.0.1:9" }\nchecks:\n${checks}`);
  return { file, result: loadSuite(file, { env: {}, kinds: KINDS_WITH_WINDOWED }) };
}
function errorsOf(checks: string, kind?: string): string {
  const { result } = load(checks, kind);
  if (result.ok) throw new Error('expected configuration errors');
  return formatConfigErrors(result.errors, dir);
}

describe('checks over windows in a suite', () => {
  it('loads the mapping form beside plain checks, with its rule in ms', () => {
    const { file, result } = load(`  - windows.emitted >= 1
  - check: latency.p95 <= 2s
    over: windows
    last: 5
    minWindows: 3
    abortOnFail: true
    abortGrace: 1m
  - { check: "requests >= 1", over: windows }
`);
    if (!result.ok) throw new Error(formatConfigErrors(result.errors));
    const [plain, p95, requests] = result.plan.checks;
    expect(plain!.window).toBeUndefined();
    expect(p95).toMatchObject({ source: 'latency.p95 <= 2s', window: { last: 5, minWindows: 3, abortOnFail: true, abortGraceMs: 60_000 } });
    // The position is the check text's own, inside the mapping.
    expect(p95!.position).toEqual({ file, line: 6, col: 12 });
    expect(requests!.window).toEqual({ minWindows: 1, abortOnFail: false, abortGraceMs: 0 });
  });

  it('checks window metrics against the kind\'s window catalog, with a suggestion', () => {
    expect(errorsOf(`  - check: latency.p59 <= 2s\n    over: windows\n`)).toMatch(
      /s\d+\.yaml:5:12: checks\[0\]\.check: unknown metric 'latency\.p59' for the windows of kind windowed \(did you mean 'latency\.p95'\?\)\n\s+expected: one of latency\.p95, requests/,
    );
    // A metric of the whole suite is not a window metric.
    expect(errorsOf(`  - { check: "windows.emitted >= 1", over: windows }\n`)).toMatch(/unknown metric 'windows\.emitted' for the windows of kind windowed/);
  });

  it('refuses a check over windows in a kind that reports no windows', () => {
    expect(errorsOf(`  - check: single.latency.p95 <= 2s\n    over: windows\n`, 'bench')).toMatch(
      /s\d+\.yaml:6:11: checks\[0\]\.over: suites of kind bench emit no windows, so a check over windows could never be judged/,
    );
  });

  it('refuses rules that could never pass or options that do nothing', () => {
    expect(errorsOf(`  - { check: "latency.p95 <= 2s", over: windows, last: 2, minWindows: 3 }\n`)).toMatch(
      /:5:\d+: checks\[0\]\.last: last: 2 counts fewer windows than minWindows: 3, so the check could never pass/,
    );
    expect(errorsOf(`  - { check: "latency.p95 <= 2s", over: windows, abortGrace: 1m }\n`)).toMatch(
      /checks\[0\]\.abortGrace: abortGrace only delays an abort, and this check has no abortOnFail: true/,
    );
  });

  it('reports unknown keys, a missing over, bad values and baseline. by position', () => {
    const errors = errorsOf(`  - { check: "latency.p95 <= 2s", over: windows, abortOnFial: true }
  - { check: "latency.p95 <= 2s" }
  - { check: "latency.p95 <= 2s", over: runs }
  - { check: "latency.p95 <= 2s", over: windows, abortOnFail: true, abortGrace: 1 minute }
  - { check: "latency.p95 <= baseline.latency.p95", over: windows }
  - 5
`);
    expect(errors).toMatch(/:5:\d+: checks\[0\]\.abortOnFial: unknown key 'abortOnFial' \(did you mean 'abortOnFail'\?\)/);
    expect(errors).toMatch(/:6:\d+: checks\[1\]\.over: missing required key 'over'/);
    expect(errors).toMatch(/:7:\d+: checks\[2\]\.over: unknown over 'runs'/);
    expect(errors).toMatch(/:8:\d+: checks\[3\]\.abortGrace: bad duration '1 minute'/);
    expect(errors).toMatch(/:9:\d+: checks\[4\]\.check: 'baseline\.latency\.p95' reads .*, but a check over windows reads one window of the suite's own target/);
    expect(errors).toMatch(/:10:\d+: checks\[5\]: wrong type/);
  });

  it('a check syntax error inside the mapping points into the check text', () => {
    expect(errorsOf(`  - check: latency.p95 <= 2 s\n    over: windows\n`)).toMatch(/s\d+\.yaml:5:29: checks\[0\]\.check: check syntax: a unit must follow its number without a space/);
  });
});
