// The swarm suite kind: runs the simulated swarm for every scenario and seed, checks the
// invariants after each run, and reports metrics for the suite's checks plus a trace summary.
// With a gguf or http target the workers re-embed a corpus through it (real work); with
// `target: { swarm: simulated }` they do simulated work.
import { dirname, relative } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { SwarmConfig } from '../../targets/swarm/config.ts';
import { resolveSwarmPlan } from '../../targets/swarm/params.ts';
import { loadCorpus, ReembedWork } from '../../targets/swarm/reembed.ts';
import { runSwarm, runSwarmAsync, type RunResult } from '../../targets/swarm/simulation.ts';
import { aggregate, expectationMiss, measureRun, traceSummary, type Judged } from '../../targets/swarm/summary.ts';
import { has, need, type EmbeddingTarget } from '../../targets/target.ts';
import type { Runner } from '../runner.ts';

/** The one-line command that replays a run exactly. */
export function replayCommand(file: string | undefined, scenario: string | undefined, seed: number): string {
  const config = file ? ` --config ${relative(process.cwd(), file) || file}` : '';
  const named = scenario && scenario !== 'default' ? ` --scenario ${scenario}` : '';
  return `embedgate swarm --seed ${seed}${config}${named}`;
}

export const runSwarmSuite: Runner = async ({ plan, target, compare, emit, signal, seed }) => {
  const swarm = resolveSwarmPlan(plan.params, dirname(plan.file));
  const real = has(target, 'embed');
  const reembed = swarm.scenarios[0]!.config.reembed;
  if (real && !reembed) {
    throw new Error(`${plan.file}: a swarm suite with an embedder target does real work: add a swarm.reembed block, or use target: { swarm: simulated } for simulated work`);
  }
  if (!real && reembed) throw new Error(`${plan.file}: swarm.reembed needs an embedder target ({ gguf: … } or { http: … }), not the simulated swarm`);

  const judged: Judged[] = [];
  const faultFree: number[] = [];
  const failures: Record<string, unknown>[] = [];
  const summaries: Record<string, unknown>[] = [];
  const total = swarm.scenarios.length * swarm.seeds;
  let measured: number | undefined;
  for (const scenario of swarm.scenarios) {
    for (let i = 0; i < swarm.seeds; i++) {
      signal.throwIfAborted();
      const s = seed + i;
      let run: RunResult;
      if (real) {
        const who = `swarm suite "${plan.name}"`;
        const outcome = await runReal(scenario.config, need(target, who, 'info', 'embed'), compare && need(compare, who, 'info', 'embed'), s, signal);
        run = outcome.run;
        measured ??= outcome.speedup;
      } else {
        run = runSwarm(scenario.config, { seed: s, trace: 'digest' });
        const clean = runSwarm(withoutFaults(scenario.config), { seed: s, trace: 'digest' });
        const free = measureRun(clean).speedup;
        if (free !== undefined) faultFree.push(free);
      }
      const measures = measureRun(run);
      const unexpected = expectationMiss(run, scenario.expect);
      judged.push({ run, measures, ...(unexpected ? { unexpected } : {}) });
      if (run.violations.length > 0 || unexpected) {
        failures.push({
          scenario: scenario.name, seed: s, traceDigest: run.trace.digest(), replay: replayCommand(plan.file, scenario.name, s),
          violations: run.violations, ...(unexpected ? { unexpected } : {}),
        });
      }
      if (i === 0) summaries.push({ scenario: scenario.name, ...(scenario.expect ? { expect: scenario.expect } : {}), ...traceSummary(run) });
      const done = judged.length;
      if (done % 50 === 0 || done === total) {
        emit({ type: 'progress', suite: plan.name, phase: `simulating ${scenario.name}`, done, total });
        await yieldToLoop();
      }
    }
  }
  for (const f of failures.slice(0, 20)) emit({ type: 'log', level: 'warn', suite: plan.name, message: `seed ${f['seed']} (${f['scenario']}) fails; replay: ${f['replay']}` });
  return {
    metrics: aggregate(judged, faultFree, measured),
    details: { mode: real ? 'real work' : 'simulated work', seeds: { from: seed, count: swarm.seeds }, scenarios: summaries, failures: failures.slice(0, 50) },
  };
};

/** One run with real work, and the wall-clock speed-up over embedding the same shards one at a time. */
async function runReal(config: SwarmConfig, target: EmbeddingTarget, compare: EmbeddingTarget | undefined, seed: number, signal: AbortSignal) {
  const texts = loadCorpus(config.reembed!);
  const shardIds = config.dag.map((t) => t.id);
  const work = new ReembedWork(target, compare, texts, config.reembed!, shardIds);
  const startedSeq = performance.now();
  for (const id of shardIds) {
    signal.throwIfAborted();
    const shard = work.textsOf(id);
    if (shard.length) await target.embed(shard);
  }
  const sequentialMs = performance.now() - startedSeq;
  const started = performance.now();
  const run = await runSwarmAsync(config, { seed, trace: 'digest', work, costOf: (task) => work.cost(task.id), signal });
  const swarmMs = performance.now() - started;
  return { run, speedup: sequentialMs / swarmMs };
}

/** The same configuration with no fault at all: the baseline for speedup.fault_free. */
export function withoutFaults(config: SwarmConfig): SwarmConfig {
  const { random: _drawn, ...rest } = config;
  return { ...rest, faults: [] };
}
