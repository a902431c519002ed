// The canary suite kind: the baseline (compare:) and the candidate (the target) behind the canary
// router on loopback, open-model traffic through it at a share of the baseline's capacity, and the
// steps of the rollout (10 → 50 → 100 % by default), each held for analysis intervals judged on
// the plan's triggers from both sides' live figures. Any trigger rolls back at once: every new
// request to the baseline, the candidate drained, the times and the losses measured. Every
// interval's decision is in the details' decision log, and each interval is a window of the run.
import { performance } from 'node:perf_hooks';
import { startCanaryRouter, type CanaryRouter } from '../../canary/router.ts';
import { emptySummary, mergeSummary } from '../../canary/side-ledger.ts';
import { buildBodies, loadCorpusTexts } from '../../http-client/bodies.ts';
import { LoadStream, type LoadWindow } from '../../http-client/load-stream.ts';
import { addToTally, emptyTally } from '../../http-client/tally.ts';
import { formatMs } from '../../format.ts';
import { median } from '../../metrics/statistics.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import { HealthWatch, MemoryWatch } from './candidate-watch.ts';
import { FaultSchedule } from './faults.ts';
import type { CanaryParams } from './params.ts';
import { Procedure, type Decision } from './procedure.ts';
import { rollBack, rollbackLosses, type RollbackRecord } from './rollback.ts';
import { openServed, type Served } from './served.ts';
import { sideMetrics, summarise } from './summarise.ts';
import { scaledTriggers } from './time-scale.ts';
import { judgeTriggers, type IntervalEvidence, type TriggerState, type TriggerVerdict } from './triggers.ts';
import { windowMetrics } from './window-metrics.ts';

/** The model field the load sends; the router puts each side's own model id in its place. */
const PUBLIC_MODEL = 'embedgate-canary';

export interface IntervalNote {
  interval: number;
  label: string;
  startMs: number;
  endMs: number;
  weight: number;
  candidateRequests: number;
  baselineRequests: number;
  verdict: Decision['verdict'];
  action: Decision['action'];
  why: string;
  triggers: Pick<TriggerVerdict, 'trigger' | 'status' | 'why'>[];
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, Math.max(0, ms));
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export async function runCanary(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as CanaryParams;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  if (!ctx.compare) throw new Error(`canary suite "${plan.name}" (${plan.file}): it needs compare: naming the baseline (the version serving today), beside target: (the candidate)`);
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const { durations, texts } = scaledTriggers(p);
  log(`time scale ${p.timeScale}: memory for ${texts.memory}, latency for ${texts.latency}, silence for ${texts.silence}; intervals of ${p.interval} ms are real time`);

  const corpus = loadCorpusTexts(undefined, (m) => log(m));
  let served: Served | undefined;
  let router: CanaryRouter | undefined;
  let stream: LoadStream | undefined;
  let memory: MemoryWatch | undefined;
  let health: HealthWatch | undefined;
  let faults: FaultSchedule | undefined;
  let rollback: RollbackRecord | undefined;
  let capacityRps: number | undefined;
  let rate: number | undefined;
  let loadStartMs = 0;
  const procedure = new Procedure(p.steps, p.intervals, p.inconclusiveLimit);
  const notes: IntervalNote[] = [];
  const windows: LoadWindow[] = [];
  const load = emptyTally();
  const triggerState: TriggerState = {};
  let lastBaseline: IntervalEvidence['baselineLatencies'];
  try {
    served = await openServed(ctx.target, ctx.compare, p, plan.file, { seed: ctx.seed, onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: line }) });
    const s = served;
    log(`baseline ${s.baseline.describe} at ${s.baseline.url}; candidate ${s.candidate.describe} at ${s.candidate.url}, behind the fault proxy at ${s.proxy.url}`);
    router = await startCanaryRouter({
      baseline: s.baseline.url,
      candidate: s.proxy.url,
      seed: ctx.seed,
      upstreamTimeoutMs: p.load.requestTimeout,
      clock,
      models: { placeholder: PUBLIC_MODEL, baseline: s.baseline.modelId, candidate: s.candidate.modelId },
    });
    const r = router;
    memory = new MemoryWatch(s.memoryLimit.bytes, p.triggers.memory.above, clock);
    if (s.candidate.pid !== undefined) memory.start(s.candidate.pid, p.triggers.memory.sample);
    health = new HealthWatch(s.proxy.url, p.triggers.silence.poll, durations.silenceMs, clock).start();
    faults = new FaultSchedule(p.faults, s.proxy, clock, (m) => log(m));
    const bodies = buildBodies(corpus.items, { count: 16_384, repeatShare: p.load.repeatShare, inputsPerRequest: 1, model: PUBLIC_MODEL, queryPrefix: '', documentPrefix: '', seed: ctx.seed });
    // The router answers 504 for a side after requestTimeout; the generator waits a little longer, so it sees that answer.
    stream = new LoadStream({ bodies, url: () => r.url, connections: p.load.connections, windowMs: p.interval, requestTimeoutMs: p.load.requestTimeout + 1000, checkAnswers: false, signal, clock });
    r.setWeight(50);
    if (p.load.warmup > 0) await stream.measureCapacity(0, p.load.warmup);
    r.setWeight(0);
    capacityRps = (await stream.measureCapacity(0, p.load.capacity)).throughputRps;
    rate = p.load.rate ?? Math.max(1, p.load.share * capacityRps);
    log(`capacity through the router at 0 % (the baseline alone): ${capacityRps.toFixed(1)} answers/s; load ${rate.toFixed(1)}/s; steps ${p.steps.join(' → ')} %, ${p.intervals} passing interval(s) of ${p.interval} ms each`);

    r.setWeight(procedure.weight);
    loadStartMs = clock();
    faults.stepStarted(procedure.weight);
    stream.start(rate, (win) => {
      windows.push(win);
      addToTally(load, win.result);
      const k = windows.length - 1;
      const note = notes[k];
      const label = note?.label ?? (procedure.outcome === 'rolled-back' ? 'rolled back' : procedure.label);
      const weight = note?.weight ?? procedure.weight;
      const c = r.ledger.summary('candidate', win.startMs, win.endMs);
      const b = r.ledger.summary('baseline', win.startMs, win.endMs);
      const ratio = c.latencies.length && b.latencies.length ? median(c.latencies) / median(b.latencies) : undefined;
      ctx.window({ startMs: win.startMs, endMs: win.endMs, label, metrics: windowMetrics(win.result, weight, c, b, memory?.lastRss, ratio), histogram: (win.result.corrected ?? win.result.latency).encode() });
    });

    // Each interval starts where the last one was judged, so no request is counted twice.
    let startMs = loadStartMs;
    for (let k = 0; !procedure.outcome && !signal.aborted; k++) {
      if (k > 0) startMs = notes.at(-1)!.endMs;
      await sleep(loadStartMs + (k + 1) * p.interval - clock(), signal);
      if (signal.aborted) break;
      const endMs = clock();
      const weight = procedure.weight;
      const label = procedure.label;
      const candidate = r.ledger.summary('candidate', startMs, endMs);
      const baseline = r.ledger.summary('baseline', startMs, endMs);
      if (baseline.latencies.length >= p.triggers.latency.minRequests) lastBaseline = { values: baseline.latencies, from: `interval ${k + 1} (${label})` };
      const faultStartMs = faults.latestStartBy(endMs);
      const evidence: IntervalEvidence = {
        startMs,
        endMs,
        candidate,
        baselineLatencies: lastBaseline,
        memory: { aboveSinceMs: memory.aboveSinceMs, lastRss: memory.lastRss, limitBytes: s.memoryLimit.bytes, ...(s.candidate.pid === undefined ? { unavailable: s.candidate.memoryUnavailable ?? 'the candidate does not run on this machine' } : {}) },
        silence: { silentForMs: health.silentForMs(endMs), lastAnswerMs: health.lastAnswerMs, everAnswered: health.lastAnswerMs !== undefined },
        ...(faultStartMs !== undefined ? { faultStartMs } : {}),
      };
      const verdicts = judgeTriggers(p, evidence, triggerState, durations);
      const decision = procedure.decide(verdicts);
      const decidedAtMs = clock();
      notes.push({ interval: k + 1, label, startMs, endMs, weight, candidateRequests: candidate.ended, baselineRequests: baseline.ended, verdict: decision.verdict, action: decision.action, why: decision.why, triggers: verdicts.map(({ trigger, status, why }) => ({ trigger, status, why })) });
      log(`interval ${k + 1} at ${label}: ${decision.verdict}, ${decision.why}`, decision.verdict === 'passed' ? 'info' : 'warn');
      if (decision.action === 'promote') {
        r.setWeight(decision.weight);
        faults.stepStarted(decision.weight);
      } else if (decision.action === 'rollback') {
        const fired = verdicts.filter((v) => v.status === 'fired');
        const onsetMs = Math.min(...fired.map((v) => v.onsetMs ?? startMs));
        rollback = await rollBack(r, fired.map((v) => v.trigger), onsetMs, decidedAtMs, p.load.requestTimeout + 2000);
        log(`rollback (${rollback.triggers.join(', ')}): every new request to the baseline ${(rollback.shiftedAtMs - decidedAtMs).toFixed(3)} ms after detection, ${rollback.inflight} in flight on the candidate, ${rollback.drainedAtMs !== undefined ? `drained ${(rollback.drainedAtMs - decidedAtMs).toFixed(1)} ms after detection` : 'not drained'}`);
      } else if (decision.action === 'pause') r.shiftToBaseline();
    }
    faults.stop(procedure.outcome ? `the canary ended (${procedure.outcome}) before its step` : 'the suite stopped before its step');
    // After a rollback, the load goes on against the baseline alone: the shift must hold.
    if (rollback && !signal.aborted) await sleep(p.after, signal);
  } finally {
    await stream?.stop().catch((err: Error) => log(`load: ${err.message}`, 'warn'));
    memory?.stop();
    health?.stop();
    faults?.stop('the suite stopped before its step');
    await router?.close();
    await served?.close();
  }
  const ledger = router!.ledger;
  const total = { candidate: emptySummary(), baseline: emptySummary() };
  mergeSummary(total.candidate, ledger.summary('candidate', loadStartMs, Infinity));
  mergeSummary(total.baseline, ledger.summary('baseline', loadStartMs, Infinity));
  const losses = rollback ? rollbackLosses(rollback, (m) => ledger.where(m), windows) : undefined;
  const { metrics, unmeasured, expectation } = summarise({
    p,
    outcome: procedure.outcome,
    maxWeight: procedure.maxWeight,
    intervals: notes,
    ...(rollback ? { rollback } : {}),
    ...(losses ? { losses } : {}),
    candidate: total.candidate,
    ...(memory?.samples ? { candidateRssPeak: memory.peakRss } : {}),
    memoryLimitBytes: served!.memoryLimit.bytes,
    load,
    ...(capacityRps !== undefined ? { capacityRps } : {}),
    ...(rate !== undefined ? { rate } : {}),
  });
  log(`expectation ${expectation.met ? 'met' : 'NOT met'}: ${expectation.why}`, expectation.met ? 'info' : 'warn');
  const checksExpectation = plan.checks.some((c) => /(^|[^.\w])expectation\.met\b/.test(c.source));
  // A pause is too little evidence, never a verdict on the candidate either way.
  const paused = notes.at(-1)?.action === 'pause' ? notes.at(-1)!.why : undefined;
  const inconclusive = paused
    ? `the canary paused: ${paused}`
    : checksExpectation
      ? undefined
      : 'the suite has no check on expectation.met (write `expectation.met == 1`): without it a trigger that should have fired and did not would pass';
  return {
    metrics,
    baselineMetrics: sideMetrics(total.baseline, undefined),
    ...(Object.keys(unmeasured).length ? { unmeasured: { self: unmeasured } } : {}),
    ...(inconclusive ? { inconclusive } : {}),
    details: {
      outcome: procedure.outcome ?? (signal.aborted ? 'interrupted' : 'none'),
      expectation: { expected: p.expect.promoted ? 'promoted' : `rollback by ${p.expect.rollback}`, ...expectation },
      sides: { baseline: served!.baseline.describe, candidate: served!.candidate.describe, router: 'embedgate canary router (seeded weighted choice per new request)', candidateBehind: 'the fault proxy, for its traffic and its /health' },
      timeScale: { factor: p.timeScale, memory: texts.memory, latency: texts.latency, silence: texts.silence, interval: `${formatMs(p.interval)} (real time, not scaled)`, rollbackLimit: `${formatMs(p.rollbackLimit)} (not scaled)` },
      settings: { steps: p.steps, intervals: p.intervals, inconclusiveLimit: p.inconclusiveLimit, load: { ...p.load, capacityRps, rate }, memoryLimit: served!.memoryLimit, triggers: p.triggers },
      faults: faults?.notes ?? [],
      decisionLog: notes,
      ...(rollback && losses
        ? {
            rollback: {
              triggers: rollback.triggers,
              onsetMs: rollback.onsetMs,
              detectedAtMs: rollback.detectedAtMs,
              shiftedAtMs: rollback.shiftedAtMs,
              ...(rollback.drainedAtMs !== undefined ? { drainedAtMs: rollback.drainedAtMs } : {}),
              onsetToDetectionMs: rollback.detectedAtMs - rollback.onsetMs,
              detectionToShiftMs: rollback.shiftedAtMs - rollback.detectedAtMs,
              ...(rollback.drainedAtMs !== undefined ? { detectionToAllOnBaselineMs: rollback.drainedAtMs - rollback.detectedAtMs } : {}),
              inflightAtShift: rollback.inflight,
              losses,
              limitMs: p.rollbackLimit,
            },
          }
        : {}),
    },
  };
}
