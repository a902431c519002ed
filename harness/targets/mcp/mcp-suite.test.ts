// End to end through the CLI: suites run unchanged against `embedgate serve --mcp` as an mcp
// target, the baseline fixture model behind its embed and search tools. Retrieval ranked by the
// harness from the embed tool (a stdio child started from the suite's command, {model} filled in)
// gives the same scores as the same model over HTTP; retrieval through the search tool is scored
// beside it; a load suite at 100 virtual users, each with its own Streamable HTTP session,
// reports per-call percentiles with every call accounted for; a kind that needs an HTTP
// endpoint says so as a capability error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../paths.ts';
import type { RunReport, SuiteResult } from '../../result.ts';
import { runCli } from '../../testing/run-cli.ts';
import { ServeProcess } from '../gguf/serve-process.ts';
import { BIN } from '../../testing/run-cli.ts';
import { TINY_DATASET } from './testing/fixture.ts';

let serve: ServeProcess;
let mcpUrl: string;
let work: string;
let report: RunReport;
let output: string;

const yamlList = (argv: string[]) => `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
const RETRIEVAL_CHECKS = 'checks:\n  - ndcg_at_10 > 0.5';
const STDIO_COMMAND = [process.execPath, BIN, 'serve', '--mcp', '--stdio', '--model', '{model}', '--index-corpus', TINY_DATASET];
const STDIO_TARGET = `target: { mcp: { command: ${yamlList(STDIO_COMMAND)}, cwd: ${JSON.stringify(REPO_ROOT)}, model: baseline } }`;

function suite(name: string, body: string): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, `suite: ${name}\n${body}\n`);
  return file;
}

const named = (name: string): SuiteResult => {
  const s = report.suites.find((x) => x.name === name);
  if (!s) throw new Error(`no suite ${name} in the report:\n${output}`);
  return s;
};
const value = (s: SuiteResult, metric: string) => s.metrics[metric]?.value;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-mcp-suite-'));
  // One server answers HTTP at / and MCP at /mcp, on the same model and index.
  serve = await ServeProcess.start({ model: 'baseline', extraArgs: ['--mcp', '--index-corpus', TINY_DATASET] });
  mcpUrl = `${serve.url}/mcp`;
  const files = [
    suite('retrieval-http', `kind: retrieval\ntarget: { http: ${serve.url}, queryPrefix: "search_query: ", documentPrefix: "search_document: " }\nretrieval: { dataset: ${JSON.stringify(TINY_DATASET)} }\n${RETRIEVAL_CHECKS}`),
    suite('retrieval-mcp', `kind: retrieval\n${STDIO_TARGET}\nretrieval: { dataset: ${JSON.stringify(TINY_DATASET)} }\n${RETRIEVAL_CHECKS}`),
    suite('retrieval-mcp-search', `kind: retrieval\ntarget: { mcp: { url: ${mcpUrl}, model: baseline } }\nvectorChecks: false\nretrieval: { dataset: ${JSON.stringify(TINY_DATASET)}, ranking: server }\n${RETRIEVAL_CHECKS}`),
    suite(
      'load-mcp-100',
      `kind: load\ntarget: { mcp: { url: ${mcpUrl} } }\nload: { phases: [closed], connections: 100, duration: 3s, warmup: 1s, rounds: 1, ceiling: false, repeatShare: 0, requestTimeout: 60s }\nchecks:\n  - errors.rate < 1%\n  - latency.p95 > 0ms`,
    ),
    suite('inputs-mcp', `kind: inputs\ntarget: { mcp: { url: ${mcpUrl} } }`),
  ];
  const ran = await runCli(['run', ...files], { outUnder: work });
  output = ran.output;
  if (!ran.report) throw new Error(`no report.json:\n${ran.output}`);
  report = ran.report;
}, 300_000);

afterAll(async () => {
  await serve?.stop();
});

describe('suites through an mcp target', () => {
  it('retrieval ranked by the harness from the embed tool scores as over HTTP, to 1e-6', () => {
    const http = named('retrieval-http');
    const mcp = named('retrieval-mcp');
    expect(http.outcome, output).toBe('pass');
    expect(mcp.outcome, output).toBe('pass');
    for (const m of ['ndcg_at_10', 'mrr_at_10', 'recall_at_10', 'map_at_10']) {
      expect(value(http, m), m).toBeGreaterThan(0);
      expect(Math.abs(value(mcp, m)! - value(http, m)!), m).toBeLessThan(1e-6);
    }
    expect(mcp.target.kind).toBe('mcp');
  });

  it('retrieval through the search tool is scored on the same qrels, beside BM25', () => {
    const search = named('retrieval-mcp-search');
    expect(search.outcome, output).toBe('pass');
    expect(value(search, 'ndcg_at_10')).toBeGreaterThan(0);
    expect(value(search, 'bm25.ndcg_at_10')).toBeGreaterThan(0);
    // embedgate serve ranks by exact cosine of the same prefixed texts' vectors, as the harness does.
    expect(Math.abs(value(search, 'ndcg_at_10')! - value(named('retrieval-mcp'), 'ndcg_at_10')!)).toBeLessThan(1e-6);
    const details = search.details as { search: Record<string, { unknownIds: number }> };
    expect(Object.values(details.search)[0]!.unknownIds).toBe(0);
  });

  it('a load at 100 virtual users reports per-call percentiles, every call accounted for and checked', () => {
    const load = named('load-mcp-100');
    expect(load.outcome, output).toBe('pass');
    const sent = value(load, 'requests.sent')!;
    expect(sent).toBeGreaterThan(100);
    expect(value(load, 'requests.answered')! + value(load, 'errors.timeout')! + value(load, 'errors.reset')! + value(load, 'errors.connection')! + value(load, 'errors.lost')! + value(load, 'errors.unanswered')!).toBe(sent);
    expect(value(load, 'responses.checked')).toBeGreaterThan(0);
    expect(value(load, 'responses.invalid')).toBe(0);
    expect(value(load, 'latency.p50')).toBeGreaterThan(0);
    expect(value(load, 'latency.p99')).toBeGreaterThanOrEqual(value(load, 'latency.p50')!);
  });

  it('a kind that needs an HTTP endpoint says so as a capability error naming the mcp target', () => {
    const inputs = named('inputs-mcp');
    expect(inputs.outcome).toBe('error');
    expect(inputs.reason).toMatch(/needs a target that can give a URL to drive over HTTP.*\(mcp target\) cannot/);
  });
});
