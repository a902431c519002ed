// The fault suite kind: a steady-state hypothesis (the suite's checks over windows), a load that
// runs throughout (an open model at a share of measured capacity, cut into windows), and faults
// injected one after another, each measured: time to detect, errors while it lasted, wrong answers
// served, time until the steady state held again; with a real Prometheus, its alert firing and
// resolving. The run loop judges the hypothesis on every window outside faults and recoveries.
import { performance } from 'node:perf_hooks';
import { buildBodies, loadCorpusTexts } from '../../http-client/bodies.ts';
import { need } from '../../targets/target.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import { openAlerting, type Alerting } from './alerting.ts';
import { steadyStateHypothesis } from './hypothesis.ts';
import { workerPidOf, type FaultEnvironment } from './inject.ts';
import { buildJournal } from './journal.ts';
import { LoadStream } from '../../http-client/load-stream.ts';
import type { FaultParams } from './params.ts';
import { runSchedule } from './schedule.ts';
import { openServed, type Served } from './served.ts';
import { summarise, type SummaryInput, type WindowNote } from './summarise.ts';
import { faultRecord, placeWindow } from './timeline.ts';
import { addToTally, emptyTally } from '../../http-client/tally.ts';
import { windowMetrics } from './window-metrics.ts';
import { TargetWatch } from '../server-side/target-watch.ts';

export async function runFault(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as FaultParams;
  const t0 = performance.now();
  const startedAt = Date.now();
  const clock = () => performance.now() - t0;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  const who = `fault suite "${plan.name}"`;
  const info = need(ctx.target, who, 'info').info();
  const hypothesis = steadyStateHypothesis(plan.checks);
  if (!hypothesis.written) log(`no check over windows: the steady-state hypothesis is ${hypothesis.sources.join(' and ')} in every window`);

  const corpus = loadCorpusTexts(undefined, (m) => log(m));
  let served: Served | undefined;
  let watch: TargetWatch | undefined;
  let alerting: Alerting | undefined;
  let alertsUnavailable: string | undefined;
  let stream: LoadStream | undefined;
  const records = p.faults.map((f) => faultRecord(f, f.recoveryLimit ?? p.recoveryLimit));
  const notes: WindowNote[] = [];
  const total = emptyTally();
  let capacityRps: number | undefined;
  let rate: number | undefined;
  try {
    served = await openServed(ctx.target, p, who, { seed: ctx.seed, onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: `${ctx.target.describe().ref}: ${line}` }) });
    const s = served;
    log(`${ctx.target.describe().ref}: server at ${s.serverUrl()}${s.proxy ? `, load through the fault proxy at ${s.proxy.url}` : ''}`);
    watch = new TargetWatch(s.serverUrl(), p.poll, clock).start();
    await watch.readNow();
    const w = watch;
    s.onMoved((url) => w.setUrl(url));
    if (p.faults.some((f) => f.alert)) {
      const a = await openAlerting(p, plan.file, s.serverUrl(), clock);
      if ('unavailable' in a) {
        alertsUnavailable = a.unavailable;
        log(a.unavailable, 'warn');
      } else {
        alerting = a;
        s.onMoved((url) => a.moved(url));
        log(`prometheus scraping ${s.serverUrl()}/metrics every 1 s with ${a.rulesFile}, for: and ranges scaled by ${a.scale}`);
      }
    }
    const bodies = buildBodies(corpus.items, {
      count: 16_384,
      repeatShare: p.load.repeatShare,
      inputsPerRequest: 1,
      model: s.modelId,
      queryPrefix: info.queryPrefix,
      documentPrefix: info.documentPrefix,
      seed: ctx.seed,
    });
    stream = new LoadStream({
      bodies,
      url: () => s.loadUrl(),
      connections: p.load.connections,
      windowMs: p.load.window,
      requestTimeoutMs: p.load.requestTimeout,
      ...(info.dimensions > 0 ? { dimensions: info.dimensions } : {}),
      signal,
      clock,
    });
    const capacity = await stream.measureCapacity(p.load.warmup, p.load.capacity);
    capacityRps = capacity.throughputRps;
    rate = p.load.rate ?? Math.max(1, p.load.share * capacityRps);
    log(`capacity ${capacityRps.toFixed(1)} answers/s (closed model, ${p.load.connections} connections); load ${rate.toFixed(1)}/s in ${p.load.window} ms windows`);

    const loadStartMs = clock();
    let index = 0;
    stream.start(rate, (win) => {
      const metrics = windowMetrics(win.result);
      const holding = hypothesis.judge(metrics);
      const place = placeWindow(records, win, holding);
      addToTally(total, win.result);
      notes.push({ index: ++index, startMs: win.startMs, endMs: win.endMs, label: place.label, held: holding.held, ...(holding.held ? {} : { why: holding.why }), ...(place.exempt ? { exempt: true } : {}) });
      ctx.window({ startMs: win.startMs, endMs: win.endMs, label: place.label, metrics, ...(place.exempt ? { exempt: place.exempt } : {}), histogram: (win.result.corrected ?? win.result.latency).encode() });
    });

    const env: FaultEnvironment = {
      serverUrl: () => s.serverUrl(),
      serverPid: () => s.serverPid(),
      workerPid: () => workerPidOf(env, w.workerPid),
      ...(s.proxy ? { proxy: { set: (t) => s.proxy!.set(t), clear: () => s.proxy!.clear() } } : {}),
      ...(s.startedByHarness ? { restartServer: () => s.restart() } : {}),
      ...(s.modelCopy ? { modelCopy: s.modelCopy } : {}),
    };
    const alertWaits = alerting ? records.filter((f) => f.spec.alert).map((f) => alerting!.follow(f, signal)) : [];
    await runSchedule({
      records,
      env,
      watch: w,
      clock,
      loadStartMs,
      windowMs: p.load.window,
      lateMs: Math.min(p.load.requestTimeout, 2000),
      signal,
      beforeDeviated: () => notes.find((n) => n.label === 'before' && !n.held)?.why,
      windowsReportedUntil: () => notes.at(-1)?.endMs ?? -Infinity,
      log,
    });
    // The steady state after the method, and the alerts' resolution, before the load stops.
    const afterUntil = clock() + p.after;
    await Promise.all([...alertWaits, new Promise((r) => setTimeout(r, Math.max(0, afterUntil - clock())))]);
  } finally {
    await stream?.stop().catch((err: Error) => log(`load: ${err.message}`, 'warn'));
    watch?.stop();
    await alerting?.stop();
    await served?.close();
  }
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? '');
  const input: SummaryInput = {
    records,
    windows: notes,
    total,
    ...(capacityRps !== undefined ? { capacityRps } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(watch?.workerRestarts !== undefined ? { workerRestarts: watch.workerRestarts } : {}),
    ...(alertsUnavailable ? { alertsUnavailable } : {}),
    ...(signal.aborted ? { stopped: { status: /SIGINT|SIGTERM|interrupt/i.test(reason) ? ('interrupted' as const) : ('aborted' as const), reason } } : {}),
  };
  const { metrics, unmeasured } = summarise(input);
  return {
    metrics,
    ...(Object.keys(unmeasured).length ? { unmeasured: { self: unmeasured } } : {}),
    details: {
      journal: buildJournal(input, startedAt, hypothesis),
      settings: {
        load: { ...p.load, capacityRps, rate },
        recoveryLimitMs: p.recoveryLimit,
        afterMs: p.after,
        ...(p.faults.some((f) => f.alert) ? { alerts: { ...p.alerts, prometheus: alerting ? 'ran' : alertsUnavailable, scaleNote: `every for:, interval: and range selector of the rules multiplied by ${p.alerts.scale}` } } : {}),
      },
    },
  };
}
