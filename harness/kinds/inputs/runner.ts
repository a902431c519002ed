// The inputs suite kind: bad and awkward input end to end. The target is driven over HTTP (a gguf
// target's own `embedgate serve`, or an http target where it is) with curated bad bodies, bodies
// generated from a seed, and awkward valid texts; after every input the target must still be the
// one it was (alive, healthy, no worker restart). Broken model files are loaded by child serves.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { need } from '../../targets/target.ts';
import { metricWriter } from '../catalog.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import { atLimitCase, awkwardCases } from './awkward.ts';
import { writeBadModelCases } from './bad-models.ts';
import { calibrate, type Calibration } from './calibrate.ts';
import { jsonRequest, type CaseResult, type InputCase } from './case.ts';
import { curatedCases } from './curated.ts';
import { generatedCases } from './generated.ts';
import { judge, type JudgeContext } from './judge.ts';
import { Liveness, targetRss } from './liveness.ts';
import { INPUTS_METRICS } from './metrics.ts';
import { tryModelFile } from './model-files.ts';
import type { InputsParams } from './params.ts';
import { send } from './send.ts';
import { summarise } from './summarise.ts';

/** How long a target that crashed may take to be healthy again before the remaining inputs are dropped. */
const RECOVER_MS = 30_000;

export async function runInputs(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as InputsParams;
  if (p.corpus === 'jsonrpc') return (await import('./jsonrpc-runner.ts')).runJsonRpcInputs(ctx);
  const who = `inputs suite "${plan.name}"`;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  const target = need(ctx.target, who, 'serveHttp', 'info');
  const info = target.info();
  const ref = target.describe().ref;
  const seed = p.generated.seed ?? ctx.seed;
  // An http target's key, sent on every request (the suite's apiKeyEnv names the variable).
  const keyEnv = plan.target.http?.apiKeyEnv;
  const apiKey = keyEnv ? process.env[keyEnv] : undefined;
  const results: CaseResult[] = [];
  const notTried: string[] = [];
  let calibration: Calibration | undefined;
  let rssBefore: number | undefined;
  let rssAfter: number | undefined;
  let dimensions = info.dimensions;
  let normalised = p.normalised;

  const endpoint = await target.serveHttp({ overflow: p.overflow, onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: `${ref}: ${line}` }) });
  try {
    const url = endpoint.url;
    const pids = endpoint.processes.pids;
    // A plain text first: a target that cannot embed it tells nothing about bad input.
    const probe = await send(url, jsonRequest({ model: endpoint.modelId, input: 'def add(a, b): return a + b' }), p.requestTimeout, apiKey);
    const first = probe.kind === 'answer' && probe.status === 200 ? firstVector(probe.body) : undefined;
    if (!first) {
      const got = probe.kind === 'answer' ? `${probe.status} ${probe.body.slice(0, 200)}` : probe.kind === 'timeout' ? 'no answer' : probe.error;
      return { metrics: {}, inconclusive: `${ref} does not embed a plain text (${got}), so its answers to bad input say nothing`, details: { url } };
    }
    dimensions = first.length;
    normalised ??= Math.abs(Math.hypot(...first) - 1) < 0.01;
    const live = new Liveness(url, pids, endpoint.modelId, p.requestTimeout, apiKey);
    await live.baseline();
    rssBefore = targetRss(pids);

    const limit = p.contextTokens ?? info.contextLength;
    if ((p.curated || p.awkward) && limit > 0) {
      calibration = await calibrate(url, endpoint.modelId, limit, p.requestTimeout, apiKey);
      if (calibration.note) log(`context limit ${limit} tokens: ${calibration.note}`, calibration.atLimit ? 'info' : 'warn');
    } else if (limit <= 0) log(`${ref} gives no context length: the at-limit and over-context inputs are not sent (set inputs.contextTokens)`, 'warn');

    const cases: InputCase[] = [
      ...(p.curated
        ? curatedCases({ modelId: endpoint.modelId, dimensions, bodyLimit: p.bodyLimit, maxInputs: p.maxInputs, overflow: p.overflow, ...(calibration?.overContext ? { overContext: calibration.overContext } : {}) })
        : []),
      ...(p.awkward ? awkwardCases(endpoint.modelId) : []),
      ...(p.awkward && calibration?.atLimit ? [atLimitCase(endpoint.modelId, calibration.atLimit, limit)] : []),
      ...generatedCases({ modelId: endpoint.modelId, dimensions, maxInputs: p.maxInputs }, seed, p.generated.count),
    ];
    const judging: JudgeContext = { shape: p.errorShape, dimensions, normalised, seen: new Map() };
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      if (signal.aborted) {
        notTried.push(...cases.slice(i).map((x) => x.name));
        break;
      }
      const sent = await send(url, c.request, p.requestTimeout, apiKey);
      let result = judge(c, sent, judging);
      const changed = await live.check();
      if (changed) result = { ...result, verdict: 'crash', why: `${changed} after this input (its answer: ${result.why})` };
      if (c.replay && result.verdict !== 'ok') result.replay = { ...c.replay, body: c.request.body ? clipBody(c.request.body) : '' };
      results.push(result);
      if (result.verdict !== 'ok') log(`${c.group} ${c.name}: ${result.verdict}: ${result.why}`, 'warn');
      if (changed) {
        const back = await live.recover(RECOVER_MS, signal);
        if (!back) {
          notTried.push(...cases.slice(i + 1).map((x) => x.name));
          log(`${ref} did not come back within ${RECOVER_MS / 1000} s after ${c.name}; ${cases.length - i - 1} input(s) not sent`, 'warn');
          break;
        }
        await live.baseline();
      }
    }
    rssAfter = targetRss(pids);
  } finally {
    await endpoint.close();
  }

  const models = p.models === 'on' || (p.models === 'auto' && target.describe().kind === 'gguf');
  let modelDir: string | undefined;
  if (models && !signal.aborted) {
    modelDir = await mkdtemp(join(tmpdir(), 'embedgate-bad-models-'));
    try {
      for (const c of await writeBadModelCases(modelDir)) {
        if (signal.aborted) break;
        const r = await tryModelFile(c, p.modelTimeout, signal);
        results.push(r);
        if (r.verdict !== 'ok') log(`model ${c.name}: ${r.verdict}: ${r.why}`, 'warn');
      }
    } finally {
      await rm(modelDir, { recursive: true, force: true });
    }
  }

  const out = metricWriter(INPUTS_METRICS);
  const summary = summarise(results);
  for (const [name, value] of Object.entries(summary.counts)) out.set(name as keyof typeof INPUTS_METRICS, value);
  out.put('target.rss.before', rssBefore);
  out.put('target.rss.after', rssAfter);
  const unmeasured: Record<string, string> = {};
  if (rssBefore === undefined) unmeasured['target.rss.before'] = `${ref} has no process on this machine to read`;
  if (rssAfter === undefined) unmeasured['target.rss.after'] = `${ref} has no process on this machine to read`;
  return {
    metrics: out.metrics,
    ...(Object.keys(unmeasured).length ? { unmeasured: { self: unmeasured } } : {}),
    ...(results.length === 0 ? { inconclusive: 'no input was tried' } : {}),
    details: {
      seed,
      replay: `inputs: { generated: { seed: ${seed}, count: ${p.generated.count} } } sends the same generated bodies again`,
      byGroup: summary.byGroup,
      failures: results.filter((r) => r.verdict !== 'ok'),
      inputs: results,
      ...(notTried.length ? { notTried } : {}),
      ...(calibration ? { contextLimit: { tokens: p.contextTokens ?? info.contextLength, atLimitBuilt: calibration.atLimit !== undefined, probes: calibration.probes, ...(calibration.note ? { note: calibration.note } : {}) } } : {}),
      settings: { overflow: p.overflow, errorShape: p.errorShape, normalised, dimensions, bodyLimit: p.bodyLimit, maxInputs: p.maxInputs, modelFiles: models },
    },
  };
}

function firstVector(body: string): number[] | undefined {
  try {
    const v = (JSON.parse(body) as { data?: { embedding?: unknown }[] }).data?.[0]?.embedding;
    return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A failing generated body as the report shows it (bodies here are small; a huge one is cut). */
function clipBody(body: Buffer): string {
  const text = body.toString('utf8');
  return text.length > 4000 ? `${text.slice(0, 4000)}… (${body.length} bytes)` : text;
}
