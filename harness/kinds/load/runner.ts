// The load suite kind. Each target is reached over HTTP (a gguf target through its own
// `embedgate serve` child) and driven by autocannon: warm-up, then the configured phases, each
// run A B A B with the compare target so pair ratios compare numbers taken under the same
// conditions. Beside it, the in-process ceiling of the same model says what the machine allows.
import { dirname, resolve } from 'node:path';
import { has, need, type CeilingResult } from '../../targets/target.ts';
import { buildBodies, loadCorpusTexts, type Bodies } from '../../http-client/bodies.ts';
import { errorTotal, OPEN_MODEL_WAVES, runPhase, type PhaseResult } from '../../http-client/phase.ts';
import { cacheHitRate, closeSide, crashesOf, oomEvidence, openSide, type ServerParams, type Side } from '../../http-client/side.ts';
import { LatencyHistogram } from '../../metrics/latency.ts';
import { emitMemorySamples } from '../../probes/memory-events.ts';
import { coresBetween, treeCpuSeconds } from '../../probes/process-cpu.ts';
import type { Metrics, Unit } from '../../result.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import type { LoadParams, LoadPhase } from './params.ts';



interface Recovery {
  recovered: boolean;
  ms: number;
  windows: number;
}

interface SideRun {
  side: Side;
  bodies: Bodies;
  texts: string[];
  next: number;
  phases: Map<string, PhaseResult[]>;
  recoveries: Recovery[];
  ceilings: CeilingResult[];
  capacity?: number;
  /** 2xx answers in sequential, closed and open phases: past distinctTexts, texts were repeated. */
  answeredInMeasuredPhases: number;
}

/**
 * Bodies reserved for each closed round: round r sends bodies from r × CLOSED_RANGE, and the
 * in-process ceiling of that round is measured from the same texts, so the check compares the
 * server and the ceiling on the same work. Other phases draw from after the reserved ranges. A
 * closed phase that sends more than this runs into the next round's texts, which matters only with
 * the cache on (the repeat warning below says when texts repeated).
 */
const CLOSED_RANGE = 2048;

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export async function runLoad(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as LoadParams;
  const { phases, duration, warmup, rounds, connections, requestTimeout: timeoutMs, saturationCores, inputsPerRequest, repeatShare } = p;
  const ceilingOn = p.ceiling !== false;
  // Derived defaults: the ceiling and the overload last as long as a phase unless told otherwise.
  const ceilingMs = typeof p.ceiling === 'object' ? (p.ceiling.duration ?? duration) : duration;
  const overloadMs = p.overload.duration ?? duration;
  const recoveryLimit = p.overload.recoveryLimit;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });

  const corpus = loadCorpusTexts(p.dataset ? resolve(dirname(plan.file), p.dataset) : undefined, (m) => log(m));
  const sides: SideRun[] = [];
  try {
    // A (compare) first, then B (target), in every phase.
    for (const [role, target] of [['compare', ctx.compare], ['target', ctx.target]] as const) {
      if (!target) continue;
      const side = await openSide(role, target, p.server, {
        sampleIntervalMs: Math.min(1000, p.sampleInterval),
        onSample: emitMemorySamples(emit, plan.name, { side: role, target: target.describe().ref }),
        onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: `${target.describe().ref}: ${line}` }),
      });
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

    const steps = 1 + (ceilingOn ? rounds : 0) + phases.length * rounds;
    let step = 0;
    const progress = (phase: string) => emit({ type: 'progress', suite: plan.name, phase, done: ++step, total: steps });
    const record = (run: SideRun, r: PhaseResult) => {
      if (r.name !== 'overload') run.answeredInMeasuredPhases += r.ok;
      const list = run.phases.get(r.name) ?? [];
      list.push(r);
      run.phases.set(r.name, list);
      const lat = r.corrected ?? r.latency;
      log(
        `${run.side.label} ${r.name}: ${r.throughputRps.toFixed(1)} ok/s (offered ${r.offeredRps.toFixed(1)}/s, ${r.connections} conn${r.rate ? `, rate ${r.rate.toFixed(1)}/s` : ''}), ` +
          `p50 ${lat.percentileMs(50).toFixed(1)} ms p95 ${lat.percentileMs(95).toFixed(1)} ms p99 ${lat.percentileMs(99).toFixed(1)} ms, ` +
          `errors ${errorTotal(r.errors)}${r.rejected ? ` (503: ${r.rejected})` : ''}, generator ${r.generator.cpuCores.toFixed(2)} cores${r.generator.saturated ? ' SATURATED' : ''}` +
          (r.targetCpu ? `, target ${Object.entries(r.targetCpu).map(([who, c]) => `${who} ${c.toFixed(2)}`).join(' + ')} cores` : ''),
        r.generator.saturated ? 'warn' : 'info',
      );
    };
    /** `from`: a fixed first body (closed rounds); otherwise the phase continues where the last one stopped. */
    const phase = async (run: SideRun, name: string, conns: number, durationMs: number, rate?: number, from?: number) => {
      const root = run.side.rootPid;
      const cpuBefore = root === undefined ? undefined : treeCpuSeconds(root);
      const cpuStarted = performance.now();
      const result = await runPhase({
        name,
        url: run.side.url,
        bodies: run.bodies.bodies,
        startIndex: from ?? run.next,
        connections: conns,
        durationMs,
        ...(rate !== undefined ? { rate } : {}),
        timeoutMs,
        signal,
        saturationCores,
      });
      if (from === undefined) run.next = result.nextIndex;
      if (root !== undefined && cpuBefore) {
        const byPid = coresBetween(cpuBefore, treeCpuSeconds(root), (performance.now() - cpuStarted) / 1000);
        result.targetCpu = Object.fromEntries(Object.entries(byPid).map(([pid, cores]) => [Number(pid) === root ? 'server' : run.side.serve ? 'worker' : pid, cores]));
      }
      return result;
    };

    for (const run of sides) await phase(run, 'warmup', Math.min(connections, 16), warmup);
    progress('warm-up');

    if (ceilingOn) {
      for (let round = 0; round < rounds && !signal.aborted; round++) {
        for (const run of sides) {
          const target = run.side.target;
          if (!has(target, 'measureCeiling')) continue;
          const c = await target.measureCeiling(run.texts, { durationMs: ceilingMs, signal, searchFrom: run.next * inputsPerRequest, confirmFrom: round * CLOSED_RANGE * inputsPerRequest, confirmMs: duration });
          run.ceilings.push(c);
          log(`${run.side.label} in-process: sequential ${c.sequentialRps.toFixed(1)}/s, ceiling ${c.ceilingRps.toFixed(1)}/s (${c.contexts} context(s) × ${c.threads} thread(s), best: ${c.concurrency} call(s) in flight × ${c.batch} text(s), ${c.selectedRps.toFixed(1)}/s when chosen, measured again)`);
        }
        progress(`ceiling round ${round + 1}`);
      }
    }

    const capacityOf = (run: SideRun) => {
      const closed = run.phases.get('closed');
      if (closed?.length) return mean(closed.map((r) => r.throughputRps));
      if (run.ceilings.length) return median(run.ceilings.map((c) => c.ceilingRps));
      const seq = run.phases.get('sequential');
      return seq?.length ? mean(seq.map((r) => r.throughputRps)) : undefined;
    };

    for (const name of phases) {
      for (let round = 0; round < rounds && !signal.aborted; round++) {
        for (const run of sides) {
          if (signal.aborted) break;
          if (name === 'sequential') record(run, await phase(run, name, 1, duration));
          else if (name === 'closed') record(run, await phase(run, name, connections, duration, undefined, round * CLOSED_RANGE));
          else if (name === 'open') {
            const capacity = capacityOf(run);
            const rate = p.open.rate ?? (capacity !== undefined ? Math.max(1, p.open.share * capacity) : undefined);
            if (rate === undefined) throw new Error(`load suite ${plan.name}: the open phase needs open.rate, or a sequential or closed phase before it to measure capacity`);
            record(run, await phase(run, name, p.open.connections, duration, rate));
          } else {
            const capacity = capacityOf(run);
            if (capacity === undefined) throw new Error(`load suite ${plan.name}: overload needs a closed or sequential phase (or the ceiling) before it to measure capacity`);
            run.capacity = capacity;
            const rate = p.overload.factor * capacity;
            record(run, await phase(run, name, p.overload.connections, overloadMs, rate));
            run.recoveries.push(await recover(run, phase, recoveryLimit, signal));
            const r = run.recoveries.at(-1)!;
            log(`${run.side.label} recovery: ${r.recovered ? `${(r.ms / 1000).toFixed(2)} s` : `not within ${(recoveryLimit / 1000).toFixed(0)} s`}`, r.recovered ? 'info' : 'warn');
          }
        }
        progress(`${name} round ${round + 1}`);
      }
    }

    for (const run of sides) {
      // More answers than distinct texts: some were embedded twice, and the cache may have answered
      // the second time. (Refused requests do not count: the server never read their bodies.)
      if (run.answeredInMeasuredPhases * inputsPerRequest > run.bodies.distinctTexts && repeatShare === 0 && p.server.cacheMb !== 0) {
        log(`${run.side.label}: ${run.answeredInMeasuredPhases} requests answered in the measured phases from ${run.bodies.distinctTexts} distinct texts, so texts repeated although repeatShare is 0, and the server's cache may have answered them; set server.cacheMb: 0 to measure uncached throughput`, 'warn');
      }
    }
    const hitRates = await Promise.all(sides.map((run) => cacheHitRate(run.side)));
    for (const run of sides) run.side.sampler?.stop();
    const built = sides.map((run, i) => summarise(run, hitRates[i], saturationCores));
    const target = built.find((b) => b.run.side.role === 'target')!;
    const compare = built.find((b) => b.run.side.role === 'compare');
    if (compare) Object.assign(target.metrics, pairRatios(target.run, compare.run));
    for (const name of Object.keys({ ...target.unmeasured, ...compare?.unmeasured })) if (name.startsWith('throughput')) delete target.metrics[name];
    const ceilingMetrics = target.ceiling;
    const unmeasured: NonNullable<RunnerOutput['unmeasured']> = {};
    if (Object.keys(target.unmeasured).length) unmeasured.self = target.unmeasured;
    if (compare && Object.keys(compare.unmeasured).length) unmeasured.baseline = compare.unmeasured;
    if (!ceilingMetrics) {
      unmeasured.ceiling = Object.fromEntries(
        ['throughput.rps', 'sequential.throughput.rps', 'throughput.ratio_to_sequential', 'contexts'].map((n) => [
          n,
          ceilingOn ? `${target.run.side.label} is not a gguf target: no in-process ceiling to measure (point a gguf target at the same model for one)` : 'the suite turned the ceiling off (ceiling: false)',
        ]),
      );
    }
    return {
      metrics: target.metrics,
      ...(compare ? { baselineMetrics: compare.metrics } : {}),
      ...(ceilingMetrics ? { ceilingMetrics } : {}),
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
        settings: { phases, rounds, connections, durationMs: duration, warmupMs: warmup, requestTimeoutMs: timeoutMs, saturationCores, closedRoundBodies: `round r sends bodies from r × ${CLOSED_RANGE}; the ceiling's figure for round r is measured on the same texts` },
        openModel: `autocannon overallRate, started in ${OPEN_MODEL_WAVES} waves 1/${OPEN_MODEL_WAVES} s apart: autocannon refills every connection’s per-second budget on one shared tick, which alone would send the whole second’s requests as one burst; the waves spread arrivals over the second. Latency is corrected for coordinated omission with HdrHistogram’s expected-interval method at the per-connection interval (autocannon’s own correction uses 1/rate in the wrong unit).`,
        target: target.details,
        ...(compare ? { compare: compare.details } : {}),
      },
    };
  } finally {
    await Promise.allSettled(sides.map((run) => closeSide(run.side)));
  }
}

type PhaseFn = (run: SideRun, name: string, conns: number, durationMs: number, rate?: number) => Promise<PhaseResult>;

/**
 * After an overload: one connection, one-second windows, until a window has only 2xx answers at a
 * latency near the sequential one (p50 within 2x, or +50 ms). The recovery time is when that
 * window ended, after the overload ended: the time until recovery was shown, so at least one
 * window even when service was back at once (its start would read as a few microseconds).
 */
async function recover(run: SideRun, phase: PhaseFn, limitMs: number, signal: AbortSignal): Promise<Recovery> {
  const ended = performance.now();
  const seq = run.phases.get('sequential');
  const seqP50 = seq?.length ? median(seq.map((r) => r.latency.percentileMs(50))) : undefined;
  let windows = 0;
  while (performance.now() - ended < limitMs && !signal.aborted) {
    const w = await phase(run, 'recovery', 1, 1000);
    windows++;
    const fast = seqP50 === undefined || w.latency.percentileMs(50) <= Math.max(2 * seqP50, seqP50 + 50);
    if (w.ok > 0 && errorTotal(w.errors) === 0 && fast) return { recovered: true, ms: performance.now() - ended, windows };
    if (run.side.serve && !run.side.serve.alive) break;
  }
  return { recovered: false, ms: limitMs, windows };
}

function summarise(run: SideRun, hitRate: number | undefined, saturationCores: number) {
  const metrics: Metrics = {};
  const unmeasured: Record<string, string> = {};
  const put = (name: string, value: number | undefined, unit: Unit) => {
    if (value !== undefined && Number.isFinite(value)) metrics[name] = { value, unit };
  };
  const list = (name: string) => run.phases.get(name) ?? [];
  const merged = (results: PhaseResult[], corrected = false) => {
    const h = new LatencyHistogram();
    for (const r of results) h.merge(corrected && r.corrected ? r.corrected : r.latency);
    return h;
  };
  const seq = list('sequential');
  const closed = list('closed');
  const open = list('open');
  const overload = list('overload');

  if (seq.length) {
    put('sequential.throughput.rps', mean(seq.map((r) => r.throughputRps)), 'per_second');
    Object.assign(metrics, merged(seq).toMetrics('sequential'));
  }
  if (closed.length) {
    put('throughput.rps', mean(closed.map((r) => r.throughputRps)), 'per_second');
    const cpu = closed.flatMap((r) => (r.targetCpu ? [Object.values(r.targetCpu).reduce((a, b) => a + b, 0)] : []));
    if (cpu.length) put('target.cpu.cores', mean(cpu), 'count');
    Object.assign(metrics, merged(closed).toMetrics(''));
    if (seq.length) put('throughput.ratio_to_sequential', metrics['throughput.rps']!.value / metrics['sequential.throughput.rps']!.value, 'ratio');
  }
  if (open.length) {
    put('open.rate', mean(open.map((r) => r.rate ?? 0)), 'per_second');
    put('open.offered.rps', mean(open.map((r) => r.offeredRps)), 'per_second');
    put('open.throughput.rps', mean(open.map((r) => r.throughputRps)), 'per_second');
    Object.assign(metrics, merged(open, true).toMetrics('open'));
    const raw = merged(open);
    if (raw.count) put('open.latency_uncorrected.p99', raw.percentileMs(99), 'ms');
  }
  const counted = [...seq, ...closed, ...open];
  if (counted.length) {
    const requests = counted.reduce((a, r) => a + r.requests, 0);
    const sum = (k: 'status' | 'timeout' | 'reset' | 'connection') => counted.reduce((a, r) => a + r.errors[k], 0);
    const total = counted.reduce((a, r) => a + errorTotal(r.errors), 0);
    put('requests', requests, 'count');
    put('errors.total', total, 'count');
    put('errors.rate', requests > 0 ? total / requests : undefined, 'ratio');
    for (const k of ['status', 'timeout', 'reset', 'connection'] as const) put(`errors.${k}`, sum(k), 'count');
  }
  if (overload.length) {
    const requests = overload.reduce((a, r) => a + r.requests, 0);
    const rejected = overload.reduce((a, r) => a + r.rejected, 0);
    const failures = overload.reduce((a, r) => a + errorTotal(r.errors), 0) - rejected;
    put('overload.capacity.rps', run.capacity, 'per_second');
    put('overload.rate', mean(overload.map((r) => r.rate ?? 0)), 'per_second');
    put('overload.offered.rps', mean(overload.map((r) => r.offeredRps)), 'per_second');
    put('overload.throughput.rps', mean(overload.map((r) => r.throughputRps)), 'per_second');
    Object.assign(metrics, merged(overload, true).toMetrics('overload'));
    put('overload.rejected', rejected, 'count');
    put('overload.rejected.rate', requests > 0 ? rejected / requests : undefined, 'ratio');
    put('overload.rejected_without_retry_after', overload.reduce((a, r) => a + r.rejectedWithoutRetryAfter, 0), 'count');
    put('overload.failures', failures, 'count');
    put('overload.failures.rate', requests > 0 ? failures / requests : undefined, 'ratio');
    put('overload.recovered', run.recoveries.every((r) => r.recovered) ? 1 : 0, 'count');
    put('overload.recovery', Math.max(...run.recoveries.map((r) => r.ms)), 'ms');
  }
  const crashes = crashesOf(run.side);
  put('overload.crashes', crashes.count, 'count');

  const all = [...run.phases.values()].flat();
  put('generator.cpu.peak', Math.max(0, ...all.map((r) => r.generator.cpuCores)), 'count');
  const saturated = all.filter((r) => r.generator.saturated && r.name !== 'warmup' && r.name !== 'recovery');
  put('generator.saturated', saturated.length, 'count');
  if (saturated.some((r) => r.name === 'sequential' || r.name === 'closed')) {
    const worst = saturated.reduce((a, b) => (b.generator.cpuCores > a.generator.cpuCores ? b : a));
    const why = `the load generator was saturated (${worst.generator.cpuCores.toFixed(2)} cores ≥ ${saturationCores} in phase ${worst.name}): it, not the target, limited throughput`;
    for (const name of ['throughput.rps', 'sequential.throughput.rps', 'throughput.ratio_to_sequential', 'throughput.rps.vs_baseline', 'throughput.share_of_ceiling']) {
      delete metrics[name];
      unmeasured[name] = why;
    }
  }
  put('cache.hit_rate', hitRate, 'ratio');

  const oom = oomEvidence(run.side);
  const sampler = run.side.sampler;
  if (sampler) {
    const peaks = sampler.peaks;
    put('memory.rss.peak', peaks.rss, 'bytes');
    put('memory.anon.peak', peaks.anon, 'bytes');
    put('memory.file.peak', peaks.file, 'bytes');
    put('memory.heap.peak', peaks.heap, 'bytes');
    put('memory.samples', peaks.samples, 'count');
  } else if (run.side.memoryUnavailable) {
    for (const n of ['memory.rss.peak', 'memory.anon.peak', 'memory.file.peak', 'memory.heap.peak']) unmeasured[n] = run.side.memoryUnavailable;
  }
  if (run.side.serve || sampler) put('memory.oom', oom.length, 'count');

  let ceiling: Metrics | undefined;
  if (run.ceilings.length) {
    const c = run.ceilings;
    const rps = median(c.map((x) => x.ceilingRps));
    const seqRps = median(c.map((x) => x.sequentialRps));
    ceiling = {
      'throughput.rps': { value: rps, unit: 'per_second' },
      'sequential.throughput.rps': { value: seqRps, unit: 'per_second' },
      'throughput.ratio_to_sequential': { value: rps / seqRps, unit: 'ratio' },
      contexts: { value: c[0]!.contexts, unit: 'count' },
    };
    // The same figures under this side's own names, so the report shows them for the baseline too.
    put('inprocess.throughput.rps', rps, 'per_second');
    put('inprocess.sequential.throughput.rps', seqRps, 'per_second');
    put('inprocess.throughput.ratio_to_sequential', rps / seqRps, 'ratio');
    if (metrics['throughput.rps']) put('throughput.share_of_ceiling', metrics['throughput.rps'].value / rps, 'ratio');
  }
  const phaseRow = (r: PhaseResult) => {
    const lat = r.corrected ?? r.latency;
    return {
      phase: r.name,
      connections: r.connections,
      ...(r.rate ? { rate: r.rate } : {}),
      wallMs: Math.round(r.wallMs),
      requests: r.requests,
      ok: r.ok,
      throughputRps: r.throughputRps,
      offeredRps: r.offeredRps,
      latencyMs: { p50: lat.percentileMs(50), p90: lat.percentileMs(90), p95: lat.percentileMs(95), p99: lat.percentileMs(99), p99_9: lat.percentileMs(99.9), max: lat.percentileMs(100) },
      ...(r.corrected ? { uncorrectedP99Ms: r.latency.percentileMs(99) } : {}),
      statusCodes: r.statusCodes,
      errors: r.errors,
      rejected: r.rejected,
      rejectedWithoutRetryAfter: r.rejectedWithoutRetryAfter,
      generator: r.generator,
      ...(r.targetCpu ? { targetCpuCores: r.targetCpu } : {}),
      histogram: lat.encode(),
    };
  };
  const details = {
    label: run.side.label,
    url: run.side.url,
    ...(run.side.serve ? { coldStartMs: Math.round(run.side.serve.coldStartMs), servePid: run.side.serve.pid } : {}),
    ...(run.side.memoryUnavailable ? { memoryUnavailable: run.side.memoryUnavailable } : {}),
    phases: all.map(phaseRow),
    ceiling: run.ceilings,
    recoveries: run.recoveries,
    crashes: crashes.lines,
    oom,
    memoryByProcess: sampler ? Object.fromEntries(sampler.peakByPid) : undefined,
  };
  return { run, metrics, unmeasured, ceiling, details };
}

/** Ratios of the target to the compare target, round by round (pairs ran back to back). */
function pairRatios(target: SideRun, compare: SideRun): Metrics {
  const t = target.phases.get('closed') ?? [];
  const c = compare.phases.get('closed') ?? [];
  const n = Math.min(t.length, c.length);
  if (n === 0) return {};
  const p95 = Array.from({ length: n }, (_, i) => t[i]!.latency.percentileMs(95) / c[i]!.latency.percentileMs(95)).filter(Number.isFinite);
  const rps = Array.from({ length: n }, (_, i) => t[i]!.throughputRps / c[i]!.throughputRps).filter(Number.isFinite);
  const out: Metrics = {};
  if (p95.length) {
    out['latency.p95.vs_baseline'] = { value: median(p95), unit: 'ratio' };
    out['latency.p95.vs_baseline.worst'] = { value: Math.max(...p95), unit: 'ratio' };
  }
  if (rps.length) out['throughput.rps.vs_baseline'] = { value: median(rps), unit: 'ratio' };
  return out;
}
