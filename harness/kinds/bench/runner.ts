// Micro-benchmarks of one embedding and of a batch, with tinybench. Samples go into HDR
// histograms, so reports lead with percentiles; throughput is derived from mean latency.
import { dirname, resolve } from 'node:path';
import { Bench } from 'tinybench';
import { LatencyHistogram } from '../../metrics/latency.ts';
import { emptyHygiene, finishHygiene, inspectVectors, type VectorHygiene } from '../../metrics/vector-hygiene.ts';
import { need, type EmbeddingTarget } from '../../targets/target.ts';
import { loadTexts, withPrefix } from '../../texts.ts';
import { metricWriter } from '../catalog.ts';
import type { Runner, RunnerContext } from '../runner.ts';
import { BENCH_METRICS } from './metrics.ts';
import type { BenchParams } from './params.ts';


interface TaskSummary {
  task: string;
  samples: number;
  meanMs: number;
  rme: number;
  histogram: string;
}

async function benchTarget(ctx: RunnerContext, target: EmbeddingTarget, label: string) {
  const { plan, signal, emit } = ctx;
  const params = plan.params as BenchParams;
  const info = target.info();
  const items = loadTexts(params.texts ? resolve(dirname(plan.file), params.texts) : undefined);
  // A search embeds one query at a time and indexes documents in batches; bench the same way.
  const ofRole = (role: string) => items.filter((item) => item.role === role).map((item) => withPrefix(info, item));
  const queries = ofRole('query').length > 0 ? ofRole('query') : items.map((item) => withPrefix(info, item));
  const documents = ofRole('document').length > 0 ? ofRole('document') : queries;
  const { batchSize } = params;
  const hygiene: VectorHygiene = emptyHygiene();
  const cycle = (inputs: string[]) => {
    let next = 0;
    return (n: number) => Array.from({ length: n }, () => inputs[next++ % inputs.length]!);
  };
  const nextQueries = cycle(queries);
  const nextDocuments = cycle(documents);
  const embed = async (texts: string[]) => {
    inspectVectors(hygiene, await target.embed(texts), info.dimensions);
  };

  const bench = new Bench({
    time: params.time,
    warmupTime: params.warmup,
    iterations: params.minIterations,
    retainSamples: true,
    signal,
  });
  bench.add('single', () => embed(nextQueries(1)));
  bench.add('batch', () => embed(nextDocuments(batchSize)));
  let done = 0;
  bench.addEventListener('cycle', () => {
    emit({ type: 'progress', suite: plan.name, phase: `bench ${label}`, done: ++done, total: 2 });
  });
  await bench.run();

  const out = metricWriter(BENCH_METRICS);
  const tasks: TaskSummary[] = [];
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state === 'errored') throw new Error(`bench task "${task.name}" on ${label} failed: ${result.error.message}`);
    if (result.state !== 'completed' && result.state !== 'aborted-with-statistics') continue;
    const histogram = new LatencyHistogram();
    for (const ms of result.latency.samples ?? []) histogram.recordMs(ms);
    const name = task.name as 'single' | 'batch';
    out.putAll(histogram.toMetrics(name));
    const perCall = name === 'batch' ? batchSize : 1;
    out.set(`${name}.throughput`, (perCall * 1000) / result.latency.mean);
    tasks.push({ task: task.name, samples: result.latency.samplesCount, meanMs: result.latency.mean, rme: result.latency.rme, histogram: histogram.encode() });
  }
  finishHygiene(hygiene);
  out.set('vectors.invalid', hygiene.invalid);
  return { metrics: out.metrics, tasks, batchSize, vectorFaults: hygiene.faults };
}

export const runBench: Runner = async (ctx) => {
  const who = `bench suite "${ctx.plan.name}"`;
  const main = await benchTarget(ctx, need(ctx.target, who, 'info', 'embed'), ctx.target.describe().ref);
  const base = ctx.compare ? await benchTarget(ctx, need(ctx.compare, who, 'info', 'embed'), ctx.compare.describe().ref) : undefined;
  const aborted = ctx.signal.aborted;
  return {
    metrics: main.metrics,
    baselineMetrics: base?.metrics,
    details: { target: main, ...(base ? { baseline: base } : {}) },
    ...(aborted ? { inconclusive: 'benchmark was interrupted before every task finished' } : {}),
  };
};
