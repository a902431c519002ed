// The load suite kind. Each target is reached over HTTP (a gguf target through its own
// `embedgate serve` child) and driven by autocannon: warm-up, then the configured phases, each
// run A B A B with the compare target so pair ratios compare numbers taken under the same
// conditions. Beside it, the in-process ceiling of the same model: what node-llama-cpp in process
// reaches, not what the machine allows. A `reference:` server (e.g. llama.cpp's llama-server on
// the same GGUF) runs as a third side, A B R A B R, and its metrics are the `reference.` scope.
import { dirname, resolve } from 'node:path';
import { buildBodies, loadCorpusTexts } from '../../http-client/bodies.ts';
import { OPEN_MODEL_WAVES } from '../../http-client/phase.ts';
import { cacheHitRate, closeSide, crashesOf, oomEvidence, openSide } from '../../http-client/side.ts';
import { emitMemorySamples } from '../../probes/memory-events.ts';
import { openReference, type ReferenceTarget } from '../../targets/reference/target.ts';
import { need, type Target } from '../../targets/target.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import { drivenSide, drivesItself } from './driven-side.ts';
import { CEILING_METRICS } from './metrics.ts';
import { pairRatios } from './pair-ratios.ts';
import type { LoadParams } from './params.ts';
import { runPhases } from './phases.ts';
import { CLOSED_RANGE, type SideMeasurements, type SideRun } from './side-run.ts';
import { summarise } from './summarise.ts';

/** What a side measured, read off its server and sampler once the phases are done. */
function measurements(run: SideRun, cacheHit: number | undefined): SideMeasurements {
  const { side } = run;
  return {
    label: side.label,
    url: side.url,
    phases: run.phases,
    recoveries: run.recoveries,
    ceilings: run.ceilings,
    ...(run.capacity !== undefined ? { capacity: run.capacity } : {}),
    ...(side.serve ? { serve: { coldStartMs: side.serve.coldStartMs, pid: side.serve.pid } } : {}),
    ...(side.sampler ? { memory: { peaks: side.sampler.peaks, byPid: Object.fromEntries(side.sampler.peakByPid) } } : {}),
    ...(side.memoryUnavailable ? { memoryUnavailable: side.memoryUnavailable } : {}),
    ...(cacheHit !== undefined ? { cacheHitRate: cacheHit } : {}),
    crashes: crashesOf(side),
    oom: oomEvidence(side),
    oomWatched: Boolean(side.serve || side.sampler),
  };
}

export async function runLoad(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as LoadParams;
  const { phases, duration, warmup, rounds, connections, requestTimeout: timeoutMs, saturationCores, inputsPerRequest, repeatShare } = p;
  const ceilingOn = p.ceiling !== false;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });

  const corpus = loadCorpusTexts(p.dataset ? resolve(dirname(plan.file), p.dataset) : undefined, (m) => log(m));
  const sides: SideRun[] = [];
  let reference: ReferenceTarget | undefined;
  try {
    if (plan.reference) {
      reference = await openReference(plan.reference, {
        target: ctx.target,
        signal,
        onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: `reference: ${line}` }),
      });
      const pid = reference.processes().pids[0];
      log(`reference: ${reference.engine}${pid !== undefined ? ` (pid ${pid})` : ''}`);
    }
    // A (compare) first, then B (target), then R (the reference), in every phase.
    const roles: [SideRun['side']['role'], Target | undefined][] = [['compare', ctx.compare], ['target', ctx.target], ['reference', reference]];
    for (const [role, target] of roles) {
      if (!target) continue;
      const sideOptions = {
        sampleIntervalMs: Math.min(1000, p.sampleInterval),
        onSample: emitMemorySamples(emit, plan.name, { side: role, target: target.describe().ref }),
        onLog: (line: string) => emit({ type: 'log', level: 'debug', suite: plan.name, message: `${target.describe().ref}: ${line}` }),
      };
      // A target that drives its own phases (mcp: tool calls) needs no HTTP server for autocannon.
      const side = drivesItself(target) ? drivenSide(role, target, sideOptions) : await openSide(role, target, p.server, sideOptions);
      const info = need(target, `load suite "${plan.name}"`, 'info').info();
      const bodies = buildBodies(corpus.items, {
        // The closed rounds' reserved ranges, then 8192 for the other phases.
        count: rounds * CLOSED_RANGE + 8192,
        repeatShare,
        inputsPerRequest,
        model: side.modelId,
        queryPrefix: info.queryPrefix,
        documentPrefix: info.documentPrefix,
        seed: ctx.seed,
      });
      const texts = bodies.inputs;
      sides.push({ side, bodies, texts, next: rounds * CLOSED_RANGE, phases: new Map(), recoveries: [], ceilings: [], answeredInMeasuredPhases: 0 });
      log(`${side.label}: ${side.serve ? `embedgate serve at ${side.url}, cold start ${(side.serve.coldStartMs / 1000).toFixed(1)} s` : side.url}${side.memoryUnavailable ? `; ${side.memoryUnavailable}` : ''}`);
    }

    await runPhases(ctx, p, sides, log);

    for (const run of sides) {
      // More answers than distinct texts: some were embedded twice, and the cache may have answered
      // the second time. (Refused requests do not count: the server never read their bodies.)
      // (server.cacheMb reaches the servers the harness starts from gguf targets, not a reference.)
      if (run.side.role !== 'reference' && run.answeredInMeasuredPhases * inputsPerRequest > run.bodies.distinctTexts && repeatShare === 0 && p.server.cacheMb !== 0) {
        log(`${run.side.label}: ${run.answeredInMeasuredPhases} requests answered in the measured phases from ${run.bodies.distinctTexts} distinct texts, so texts repeated although repeatShare is 0, and the server's cache may have answered them; set server.cacheMb: 0 to measure uncached throughput`, 'warn');
      }
    }
    const hitRates = await Promise.all(sides.map((run) => cacheHitRate(run.side)));
    for (const run of sides) run.side.sampler?.stop();
    const built = sides.map((run, i) => ({ run, ...summarise(measurements(run, hitRates[i]), saturationCores) }));
    const target = built.find((b) => b.run.side.role === 'target')!;
    const compare = built.find((b) => b.run.side.role === 'compare');
    const ref = built.find((b) => b.run.side.role === 'reference');
    if (compare) Object.assign(target.metrics, pairRatios(target.run.phases.get('closed') ?? [], compare.run.phases.get('closed') ?? []));
    if (ref) {
      Object.assign(target.metrics, pairRatios(target.run.phases.get('closed') ?? [], ref.run.phases.get('closed') ?? [], 'reference'));
      // A saturated generator measured itself, not the reference: no ratio to it then.
      for (const name of ['throughput.rps.vs_reference'] as const) {
        const why = ref.unmeasured['throughput.rps'] ?? target.unmeasured['throughput.rps'];
        if (why) {
          delete target.metrics[name];
          target.unmeasured[name] = why;
        }
      }
    }
    for (const name of Object.keys({ ...target.unmeasured, ...compare?.unmeasured })) if (name.startsWith('throughput')) delete target.metrics[name];
    const ceilingMetrics = target.ceiling;
    const unmeasured: NonNullable<RunnerOutput['unmeasured']> = {};
    if (Object.keys(target.unmeasured).length) unmeasured.self = target.unmeasured;
    if (compare && Object.keys(compare.unmeasured).length) unmeasured.baseline = compare.unmeasured;
    if (ref && Object.keys(ref.unmeasured).length) unmeasured.reference = ref.unmeasured;
    if (!ceilingMetrics) {
      unmeasured.ceiling = Object.fromEntries(
        Object.keys(CEILING_METRICS).map((n) => [
          n,
          ceilingOn ? `${target.run.side.label} is not a gguf target: no in-process ceiling to measure (point a gguf target at the same model for one)` : 'the suite turned the ceiling off (ceiling: false)',
        ]),
      );
    }
    return {
      metrics: target.metrics,
      ...(compare ? { baselineMetrics: compare.metrics } : {}),
      ...(ceilingMetrics ? { ceilingMetrics } : {}),
      ...(ref ? { referenceMetrics: ref.metrics } : {}),
      ...(Object.keys(unmeasured).length ? { unmeasured } : {}),
      details: {
        bodies: {
          source: corpus.source,
          texts: corpus.items.length,
          ...Object.fromEntries(
            sides.map((s) => [
              s.side.role,
              { repeatShare: s.bodies.repeatShare, meanChars: Math.round(s.bodies.meanChars), inputsPerRequest, prepared: s.bodies.bodies.length, distinctTexts: s.bodies.distinctTexts },
            ]),
          ),
          cache: p.server.cacheMb === 0 ? 'off' : 'on',
        },
        // Data only; README (load suites) explains both: the closed rounds' reserved body ranges,
        // and the open model's waves and coordinated-omission correction.
        settings: { phases, rounds, connections, durationMs: duration, warmupMs: warmup, requestTimeoutMs: timeoutMs, saturationCores, closedRoundBodies: CLOSED_RANGE },
        openModel: { generator: 'autocannon overallRate', waves: OPEN_MODEL_WAVES, latencyCorrection: 'hdr-expected-interval' },
        target: target.details,
        ...(compare ? { compare: compare.details } : {}),
        ...(ref && reference ? { reference: { engine: reference.engine, metrics: ref.metrics, ...ref.details } } : {}),
        comparedAgainst: comparedAgainst(reference, target.run.ceilings[0]?.engine, ceilingOn),
      },
    };
  } finally {
    await Promise.allSettled(sides.map((run) => closeSide(run.side)));
    await reference?.close();
  }
}

/** What the suite's throughput was judged against, in words the report shows (details.comparedAgainst). */
function comparedAgainst(reference: ReferenceTarget | undefined, ceilingEngine: string | undefined, ceilingOn: boolean): string {
  const ceiling = ceilingEngine
    ? `the in-process ceiling, ${ceilingEngine}: that engine's limit on these cores, not the machine's`
    : ceilingOn
      ? 'no in-process ceiling (the target is not a gguf target)'
      : 'no in-process ceiling (ceiling: false)';
  if (reference) return `the reference server, ${reference.engine} (reference.*), and ${ceiling}`;
  return `${ceiling}; no reference server (name one with reference:, e.g. llama.cpp's llama-server on the same model, to compare with another engine)`;
}
