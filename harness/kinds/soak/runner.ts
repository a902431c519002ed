// The soak suite kind: a steady open-model load at a share of the capacity measured first, for
// `duration`, cut into windows. Each window is reported as it closes (ctx.window: the run loop
// appends it to events.jsonl and judges the checks over windows on it, so a crash or a window
// where every request failed stops the run at once), with full request accounting, its HDR
// histogram, the cache, the target's memory, worker restarts and the harness's own RSS. At the
// end: the statistics across windows (variation of the per-window p95, availability, the leak
// verdict over window medians). State is fixed-size whatever the run's length (accumulate.ts).
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCorpusTexts } from '../../http-client/bodies.ts';
import { LoadStream } from '../../http-client/load-stream.ts';
import { formatBytes } from '../../format.ts';
import { need, type HttpEndpoint } from '../../targets/target.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import { TargetWatch } from '../server-side/target-watch.ts';
import { SoakAccumulator, type Verdicts } from './accumulate.ts';
import { settleLength, windowLength, type SoakParams } from './params.ts';
import { buildSoakBodies, HotCounter } from './soak-bodies.ts';
import { TargetProbe } from './target-probe.ts';

/** Bodies prepared; the stream cycles through them. */
const BODY_COUNT = 16_384;
/** How long closing the server may hold up the result after an interrupt (the report must follow within seconds). */
const CLOSE_WAIT_ON_ABORT_MS = 500;

const reasonOf = (signal: AbortSignal) => (signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted'));

export async function runSoak(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as SoakParams;
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  const who = `soak suite "${plan.name}"`;
  const info = need(ctx.target, who, 'info').info();
  const http = need(ctx.target, who, 'serveHttp');
  const windowMs = windowLength(p);
  const settleMs = settleLength(p);
  if (p.duration > plan.timeoutMs) log(`duration ${p.duration / 1000} s is longer than the suite's timeout of ${plan.timeoutMs / 1000} s: the timeout will stop it`, 'warn');

  const corpus = loadCorpusTexts(p.load.dataset ? resolve(dirname(plan.file), p.load.dataset) : undefined, (m) => log(m));

  let endpoint: HttpEndpoint | undefined;
  let watch: TargetWatch | undefined;
  let probe: TargetProbe | undefined;
  let stream: LoadStream | undefined;
  let capacityRps: number | undefined;
  let rate: number | undefined;
  let stopReason: string | undefined;
  const acc = new SoakAccumulator();
  const bodyFacts: Record<string, unknown> = {};
  try {
    endpoint = await http.serveHttp({
      ...p.server,
      cacheMb: p.server.cacheMb ?? 1,
      gcEveryMs: p.memory.gcEvery,
      onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: `${ctx.target.describe().ref}: ${line}` }),
    });
    const ep = endpoint;
    const bodies = buildSoakBodies(corpus.items, { count: BODY_COUNT, distinct: p.load.distinctTexts, repeatShare: p.load.repeatShare, model: ep.modelId, queryPrefix: info.queryPrefix, documentPrefix: info.documentPrefix, seed: ctx.seed });
    Object.assign(bodyFacts, { texts: corpus.source, distinctTexts: bodies.distinctTexts, repeatShare: bodies.repeatShare, meanChars: Math.round(bodies.meanChars), longestChars: bodies.longestChars, queries: bodies.queries, documents: bodies.documents });
    const hot = new HotCounter(bodies.hot);
    watch = new TargetWatch(ep.url, p.poll, clock).start();
    await watch.readNow();

    stream = new LoadStream({ bodies, onBodies: (first, next) => hot.add(first, next), url: () => ep.url, connections: p.load.connections, windowMs, requestTimeoutMs: p.load.requestTimeout, ...(info.dimensions > 0 ? { dimensions: info.dimensions } : {}), signal, clock });
    const capacity = await stream.measureCapacity(p.load.warmup, p.load.capacity);
    capacityRps = capacity.throughputRps;
    rate = p.load.rate ?? Math.max(1, p.load.share * capacityRps);
    const arrivals = rate;
    log(`capacity ${capacityRps.toFixed(1)} answers/s (closed model, ${p.load.connections} connections); load ${arrivals.toFixed(1)}/s for ${p.duration / 1000} s in ${windowMs / 1000} s windows`);

    const loadStartMs = clock();
    probe = new TargetProbe(ep, watch, { intervalMs: p.memory.interval, progress: () => (arrivals * (clock() - loadStartMs)) / 1000, repeats: () => hot.sent });
    if (probe.memoryUnavailable) log(`target memory cannot be sampled: ${probe.memoryUnavailable}`, 'warn');
    await probe.start();
    const pr = probe;
    let closing = Promise.resolve();
    stream.start(arrivals, (win) => {
      // A window cut short by a stop (Ctrl-C, an abortOnFail check) counts its requests, but its
      // in-flight ones were given no time: it is shown, never judged.
      const cut = signal.aborted;
      // Windows are back to back from the load's start: those that end by `settle` (give or take the timer).
      const settling = win.startMs - loadStartMs < settleMs - windowMs / 2;
      // Windows close in order; each one's target reading follows the one before.
      closing = closing.then(async () => {
        const target = await pr.closeWindow();
        const metrics = acc.add({ startMs: win.startMs, endMs: win.endMs, result: win.result, target, harnessRss: process.memoryUsage.rss(), judged: !settling && !cut });
        const hist = win.result.corrected ?? win.result.latency;
        ctx.window({
          startMs: win.startMs,
          endMs: win.endMs,
          metrics,
          ...(hist.count > 0 ? { histogram: hist.encode() } : {}),
          ...(settling ? { label: 'settle' } : {}),
          ...(cut ? { exempt: `cut short: the suite was stopping (${reasonOf(signal)})` } : {}),
        });
      });
    });
    // The last window starts at duration − window: stopping half a window before the end lets it
    // finish and starts no other.
    await new Promise<void>((done) => {
      const timer = setTimeout(done, Math.max(windowMs / 2, p.duration - windowMs / 2));
      signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
      if (signal.aborted) (clearTimeout(timer), done());
    });
    await stream.stop();
    await closing;
    if (signal.aborted) stopReason = reasonOf(signal);
  } finally {
    watch?.stop();
    probe?.stop();
    const closed = endpoint?.close().catch(() => {});
    // After an interrupt the report comes first: the server was told to stop and finishes by itself.
    if (closed) await (signal.aborted ? Promise.race([closed, new Promise((r) => setTimeout(r, CLOSE_WAIT_ON_ABORT_MS).unref())]) : closed);
  }

  const verdicts: Verdicts = acc.verdicts(p.memory.allowedBytesPerRequest, p.memory.confidence, p.minWindows);
  for (const [name, v] of Object.entries(verdicts)) if (v) log(`memory ${name}: ${v.call}: ${v.reason} (${v.basis})`, v.suspected ? 'warn' : 'info');
  const peaks = probe?.peaks;
  const { metrics, unmeasured } = acc.summary({
    minWindows: p.minWindows,
    ...(capacityRps !== undefined ? { capacityRps } : {}),
    ...(rate !== undefined ? { rate } : {}),
    verdicts,
    ...(probe?.memoryUnavailable ? { memoryUnavailable: probe.memoryUnavailable } : {}),
    ...(peaks && peaks.samples > 0 ? { peaks } : {}),
  });
  const growth = metrics['harness.rss.growth']?.value;
  if (growth !== undefined) log(`harness RSS ${formatBytes(metrics['harness.rss.first']!.value)} after the first window, ${growth >= 0 ? '+' : ''}${formatBytes(growth)} by the last`);
  return {
    metrics,
    ...(Object.keys(unmeasured).length ? { unmeasured: { self: unmeasured } } : {}),
    details: {
      settings: { durationMs: p.duration, windowMs, settleMs, minWindows: p.minWindows, load: { ...p.load, capacityRps, rate }, memory: p.memory },
      bodies: bodyFacts,
      leak: Object.fromEntries(Object.entries(verdicts).map(([k, v]) => [k, { call: v!.call, reason: v!.reason, basis: v!.basis }])),
      ...(stopReason ? { stopped: stopReason } : {}),
    },
  };
}
