// The official MCP conformance suite's server scenarios (scenarios.json) against a real
// `embedgate serve --mcp`. The baseline cannot go stale: a scenario outside expected-failures.json
// that fails fails this test, and so does an expected failure that starts passing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from '../../targets/gguf/serve-process.ts';
import { startMcpServe, writeCorpus } from '../server/testing/serve-mcp.ts';
import { MCP_HTTP_PATH } from '../tools.ts';
import { readScenarioFiles, runScenario, type ScenarioOutcome } from './run-conformance.ts';

describe('MCP conformance of embedgate serve --mcp', () => {
  let corpus: ReturnType<typeof writeCorpus>;
  let serve: ServeProcess;
  beforeAll(async () => {
    corpus = writeCorpus();
    serve = await startMcpServe(corpus.dir);
  });
  afterAll(async () => {
    await serve?.stop();
    corpus?.remove();
  });

  it('the scenario files agree with each other', () => {
    const { scenarios, notApplicable, expectedFailures } = readScenarioFiles();
    for (const s of Object.keys(expectedFailures)) expect(scenarios, `expected failure ${s} is a chosen scenario`).toContain(s);
    for (const s of scenarios) expect(notApplicable, `${s} is both chosen and not applicable`).not.toHaveProperty(s);
  });

  it('every chosen scenario passes except the expected failures, and every expected failure still fails', async () => {
    const { scenarios, expectedFailures } = readScenarioFiles();
    const outcomes: ScenarioOutcome[] = [];
    for (const s of scenarios) outcomes.push(await runScenario(`${serve.url}${MCP_HTTP_PATH}`, s));
    const unexpected = outcomes.filter((o) => !o.passed && !(o.scenario in expectedFailures)).map((o) => `${o.scenario} failed: ${o.why.join('; ')}`);
    const stale = outcomes.filter((o) => o.passed && o.scenario in expectedFailures).map((o) => `${o.scenario} passes now: remove it from harness/mcp/conformance/expected-failures.json`);
    expect([...unexpected, ...stale]).toEqual([]);
    // An expected failure fails for the reason given, not for another one (a server that is down fails everything).
    for (const o of outcomes.filter((x) => x.scenario in expectedFailures)) expect(o.checks.length, `${o.scenario} ran its checks`).toBeGreaterThan(0);
    expect(serve.alive).toBe(true);
  }, 120_000);
});
