// `inputs: { corpus: jsonrpc }`: the inputs kind against an MCP server's Streamable HTTP endpoint.
// A gguf target serves its model with `embedgate serve --mcp`; an http target is an MCP server
// at its URL plus inputs.mcpPath. Each case of jsonrpc-cases.ts is sent in an initialized session
// and judged on its JSON-RPC error code (or isError result); after each the target must still be
// the one it was (alive, /health 200, no worker restart), as for HTTP bodies.
import { need } from '../../targets/target.ts';
import { metricWriter } from '../catalog.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import type { CaseResult, Verdict } from './case.ts';
import { jsonRpcCases, type JsonRpcExpectation } from './jsonrpc-cases.ts';
import { judgeJsonRpc, openMcpSession, sendCase, type JsonRpcAnswer } from './jsonrpc-send.ts';
import { Liveness, targetRss } from './liveness.ts';
import { INPUTS_METRICS } from './metrics.ts';
import type { InputsParams } from './params.ts';
import { summarise } from './summarise.ts';

/** A small index: these cases test the protocol, not search quality, and the build is start-up time. */
const INDEX_DOCS = '32';

function verdictOf(expect: JsonRpcExpectation, answer: JsonRpcAnswer, ok: boolean): Verdict {
  if (ok) return 'ok';
  if (answer.kind === 'timeout') return 'hung';
  if (answer.kind === 'error') return 'unclear';
  const first = answer.messages[0];
  const gotResult = first?.['result'] !== undefined && first['result']?.['isError'] !== true;
  if (('error' in expect || 'isError' in expect) && gotResult) return 'accepted-bad';
  if (('result' in expect || 'accepted' in expect) && !gotResult) return 'rejected-good';
  return 'unclear';
}

export async function runJsonRpcInputs(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as InputsParams;
  const who = `inputs suite "${plan.name}"`;
  const target = need(ctx.target, who, 'serveHttp');
  const ref = target.describe().ref;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  const endpoint = await target.serveHttp({
    overflow: p.overflow,
    serveArgs: ['--mcp', '--index-max-docs', INDEX_DOCS],
    onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: `${ref}: ${line}` }),
  });
  const results: CaseResult[] = [];
  const notTried: string[] = [];
  let rssBefore: number | undefined;
  let rssAfter: number | undefined;
  const url = `${endpoint.url}${p.mcpPath}`;
  try {
    let session;
    try {
      session = await openMcpSession(url, p.requestTimeout);
    } catch (err) {
      return { metrics: {}, inconclusive: `${ref} does not open an MCP session at ${url} (${(err as Error).message}), so its answers to bad JSON-RPC say nothing`, details: { url } };
    }
    const live = new Liveness(endpoint.url, endpoint.processes.pids, endpoint.modelId, p.requestTimeout);
    await live.baseline();
    rssBefore = targetRss(endpoint.processes.pids);
    const cases = jsonRpcCases({ bodyLimit: p.bodyLimit });
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      if (signal.aborted) {
        notTried.push(...cases.slice(i).map((x) => x.name));
        break;
      }
      const started = performance.now();
      const answer = await sendCase(url, session, c, p.requestTimeout);
      const judged = judgeJsonRpc(c.expect, answer);
      let result: CaseResult = { group: 'jsonrpc', name: c.name, what: c.what, verdict: verdictOf(c.expect, answer, judged.ok), why: judged.why, ms: Math.round(performance.now() - started) };
      if (answer.kind === 'answer') result.status = answer.status;
      const changed = await live.check();
      if (changed) result = { ...result, verdict: 'crash', why: `${changed} after this input (its answer: ${judged.why})` };
      results.push(result);
      if (result.verdict !== 'ok') log(`jsonrpc ${c.name}: ${result.verdict}: ${result.why}`, 'warn');
      if (changed) {
        notTried.push(...cases.slice(i + 1).map((x) => x.name));
        break;
      }
    }
    rssAfter = targetRss(endpoint.processes.pids);
  } finally {
    await endpoint.close();
  }
  const out = metricWriter(INPUTS_METRICS);
  const summary = summarise(results);
  for (const [name, value] of Object.entries(summary.counts)) out.set(name as keyof typeof INPUTS_METRICS, value);
  out.put('target.rss.before', rssBefore);
  out.put('target.rss.after', rssAfter);
  return {
    metrics: out.metrics,
    ...(results.length === 0 ? { inconclusive: 'no input was tried' } : {}),
    details: { corpus: 'jsonrpc', url, byGroup: summary.byGroup, failures: results.filter((r) => r.verdict !== 'ok'), inputs: results, ...(notTried.length ? { notTried } : {}), settings: { bodyLimit: p.bodyLimit, mcpPath: p.mcpPath } },
  };
}
