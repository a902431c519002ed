// The compare proof (issue 16): `embedgate compare` on runs of a real load suite against the
// baseline fixture behind `embedgate serve`, through the real CLI. Two runs of the same target show
// no change; a run whose embedgate serve was held to an eighth of the wall time (SIGSTOP/SIGCONT
// duty cycle, testing/throttle-serve.ts) is worse on throughput and latency. The suite's 5 rounds
// per run meet compare's floor of 5 values per side within each run. The three runs go at the
// same time: on this shared 2-core machine, back-to-back runs of the same target differed by
// +61 % and +115 % in throughput as the load average moved between 18 and 10, which no noise band
// short of 2x absorbs; run together, the machine's load weighs on them alike. The band is still
// ±100 % (only a 2x change counts); the throttle (an eighth of the wall time) measured 3.3x less
// throughput and 3.4x the p50 latency (scripts/bench-compare.ts, load average 8–15). That script shows
// back-to-back runs with the default band. EMBEDGATE_CONTEXTS=1 is not the slowdown: on 2 busy
// cores it did not slow the server (5.6 → 4.8 requests/s, within noise): the cores were the limit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import { runCli } from '../testing/run-cli.ts';
import { loadCompareRun, writeLoadCompareSuite } from './testing/load-compare-runs.ts';

let dir: string;
let suite: string;

beforeAll(async () => {
  await ensureFixtureModels();
  dir = mkdtempSync(join(tmpdir(), 'embedgate-compare-load-'));
  suite = writeLoadCompareSuite(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each metric's verdict from compare.md's table. */
function verdicts(runDir: string): Record<string, string> {
  const md = readFileSync(join(runDir, 'compare.md'), 'utf8');
  return Object.fromEntries([...md.matchAll(/^\| ([a-z ]+) \| `([^`]+)` \|/gm)].map((m) => [m[2]!, m[1]!]));
}

describe('embedgate compare on load runs', () => {
  it('says no change for two runs of the same target and worse for one slowed on purpose', async () => {
    // At the same time, so that other work on the machine weighs on all three alike.
    const [a, b, slow] = await Promise.all([loadCompareRun(suite, dir), loadCompareRun(suite, dir), loadCompareRun(suite, dir, true)]);
    expect(slow.throttled, 'the throttle found the embedgate serve processes').toBeGreaterThan(0);
    // With --reporter json the output says little: the report's outcomes and checks say why.
    for (const r of [a, b, slow]) expect(r.code, r.output + JSON.stringify(r.report?.suites.map(({ name, outcome, checks }) => ({ name, outcome, checks })))).toBe(0);

    const same = await runCli(['compare', a.runDir!, b.runDir!, '--noise', '100%']);
    expect(same.code, same.output).toBe(0);
    const s = verdicts(b.runDir!);
    for (const metric of ['throughput.rps', 'latency.p50', 'latency.p95']) expect(s[metric], `${metric}\n${same.output}`).toBe('no change');
    expect(same.stdout).toMatch(/^embedgate compare: NO CHANGE/);

    const slower = await runCli(['compare', a.runDir!, slow.runDir!, '--noise', '100%']);
    expect(slower.code, slower.output).toBe(1);
    expect(slower.stdout).toMatch(/^embedgate compare: WORSE/);
    const w = verdicts(slow.runDir!);
    for (const metric of ['throughput.rps', 'latency.p50']) expect(w[metric], `${metric}\n${slower.output}`).toBe('worse');
    expect(slower.stdout).toMatch(/worse +throughput\.rps: .*Mann–Whitney over 5 and 5 rounds/);
  }, 600_000);
});
