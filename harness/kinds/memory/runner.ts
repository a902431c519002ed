// The memory suite kind: leak detection and cold start. For each mode (in process: a fresh gguf
// worker; over HTTP: a fresh `embedgate serve`, or the http target where it runs), embed N
// requests after a warm-up while sampling memory, then fit the slope of anonymous RSS and of the
// V8 heap per request with an interval. On suspicion, three heap snapshots name what grows.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseDuration } from '../../config/duration.ts';
import { buildBodies, loadCorpusTexts } from '../../http-client/bodies.ts';
import { closeSide, oomEvidence, openSide, type ServerParams, type Side } from '../../http-client/side.ts';
import { formatBytes } from '../../format.ts';
import { emitMemorySamples } from '../../probes/memory-events.ts';
import { judgeLeak, type LeakVerdict } from '../../metrics/regression.ts';
import { analyseSnapshots, type Retainer } from '../../probes/heap-snapshot.ts';
import { MemorySampler, readHeapReport, type MemoryPeaks, type MemorySample } from '../../probes/memory-sampler.ts';
import { processTree } from '../../probes/process-memory.ts';
import type { Metrics, Unit } from '../../result.ts';
import { has, need } from '../../targets/target.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';

interface MemoryParams {
  modes?: ('inprocess' | 'http')[];
  iterations?: number;
  warmup?: number;
  concurrency?: number;
  distinctTexts?: number;
  allowedBytesPerRequest?: number;
  confidence?: number;
  snapshots?: boolean;
  sampleInterval?: string;
  dataset?: string;
  server?: ServerParams;
}

/** What one mode needs: a way to embed one request, and the processes to watch. */
interface Driver {
  mode: 'inprocess' | 'http';
  send: (i: number) => Promise<boolean>;
  pids: () => number[];
  heapProbeDir?: string;
  coldStartMs?: number;
  oom: () => string[];
  close: () => Promise<void>;
}

interface ModeResult {
  mode: string;
  requests: number;
  errors: number;
  leaks: Record<string, LeakVerdict>;
  snapshots?: { pid: number; retainers: Retainer[] } | { skipped: string };
  samples: number;
  peaks: MemoryPeaks;
  oom: string[];
  coldStartMs?: number;
  /** The points each slope was fitted to (requests, bytes), for the report's charts. */
  series: Partial<Record<'anon' | 'heap', { basis: 'after forced GC' | 'raw samples'; x: number[]; y: number[] }>>;
}

async function drive(driver: Driver, from: number, count: number, concurrency: number, signal: AbortSignal, counter: { done: number; errors: number }): Promise<void> {
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < end && !signal.aborted) {
        const ok = await driver.send(next++).catch(() => false);
        counter.done++;
        if (!ok) counter.errors++;
      }
    }),
  );
}

/** Sends SIGUSR2 to a process running the heap probe and waits for its snapshot file. */
async function snapshot(pid: number, dir: string, n: number): Promise<string> {
  const file = join(dir, `${pid}-${n}.heapsnapshot`);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 60_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`heap snapshot of pid ${pid} did not appear within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return file;
}

/**
 * How often the heap probe in the target's Node processes runs a full GC and measures memory after
 * it. Raw samples between major GCs rise with garbage, which a slope cannot tell from a leak
 * (measured: a false 3.5 kB/request heap "leak" over 4000 requests, interval [2.5, 4.5] kB).
 */
const GC_EVERY_MS = 500;

/**
 * The samples that carry a new after-GC measurement: sums repeat between GCs, and counting each
 * repeat as a point would narrow the slope's interval with copies.
 */
function afterGcPoints(samples: MemorySample[]): MemorySample[] {
  const out: MemorySample[] = [];
  for (const s of samples) {
    if (s.heapAfterGc === undefined || s.anonAfterGc === undefined) return [];
    const last = out.at(-1);
    if (!last || last.heapAfterGc !== s.heapAfterGc || last.anonAfterGc !== s.anonAfterGc) out.push(s);
  }
  return out;
}

export async function runMemory(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const p = plan.params as MemoryParams;
  const who = `memory suite ${plan.name}`;
  const modes = p.modes ?? (has(ctx.target, 'openCopy') ? ['inprocess', 'http'] : ['http']);
  const iterations = p.iterations ?? 2000;
  const warmup = p.warmup ?? 300;
  const concurrency = p.concurrency ?? 4;
  const allowed = p.allowedBytesPerRequest ?? 1024;
  const confidence = p.confidence ?? 0.95;
  const intervalMs = Math.min(1000, parseDuration(p.sampleInterval ?? '200ms') ?? 200);
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  const info = need(ctx.target, who, 'info').info();
  const corpus = loadCorpusTexts(p.dataset ? resolve(dirname(plan.file), p.dataset) : undefined, (m) => log(m));
  const distinct = buildBodies(corpus.items, { count: p.distinctTexts ?? 128, repeatShare: 0, model: info.name, queryPrefix: info.queryPrefix, documentPrefix: info.documentPrefix, seed: ctx.seed }).inputs;

  const openDriver = async (mode: 'inprocess' | 'http'): Promise<Driver> => {
    if (mode === 'inprocess') {
      const original = need(ctx.target, `${who}: mode inprocess`, 'openCopy');
      const dir = mkdtempSync(join(tmpdir(), 'embedgate-heap-'));
      const started = performance.now();
      // A fresh copy of the model in a worker of its own, with the heap probe preloaded into it.
      const target = need(await original.openCopy({ heapProbe: { dir, gcEveryMs: GC_EVERY_MS }, overflow: 'truncate' }), `${who}: mode inprocess`, 'embed', 'processes');
      const coldStartMs = performance.now() - started;
      return {
        mode,
        send: async (i) => (await target.embed([distinct[i % distinct.length]!])).length === 1,
        pids: () => target.processes().pids,
        heapProbeDir: dir,
        coldStartMs,
        oom: () => {
          const e = target.processes().exit;
          return e && /SIGKILL|ENOMEM|memory/i.test(e) ? [e] : [];
        },
        close: async () => {
          await target.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    // Cache off unless the suite says otherwise: cycling a few texts would only measure cache hits.
    const side: Side = await openSide('target', ctx.target, { cacheMb: 0, ...p.server }, {
      sampleIntervalMs: intervalMs,
      gcEveryMs: GC_EVERY_MS,
      onLog: (line) => emit({ type: 'log', level: 'debug', suite: plan.name, message: line }),
    });
    side.sampler?.stop(); // the mode runs its own sampler
    const bodies = buildBodies(corpus.items, { count: p.distinctTexts ?? 128, repeatShare: 0, model: side.modelId, queryPrefix: info.queryPrefix, documentPrefix: info.documentPrefix, seed: ctx.seed }).bodies;
    return {
      mode,
      send: async (i) => {
        const res = await fetch(`${side.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i % bodies.length]!, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        return res.ok;
      },
      pids: () => (side.rootPid !== undefined ? [side.rootPid] : []),
      ...(side.heapProbeDir ? { heapProbeDir: side.heapProbeDir } : {}),
      ...(side.serve ? { coldStartMs: side.serve.coldStartMs } : {}),
      oom: () => oomEvidence(side),
      close: () => closeSide(side),
    };
  };

  const results: ModeResult[] = [];
  for (const mode of modes) {
    if (signal.aborted) break;
    const driver = await openDriver(mode);
    try {
      if (driver.pids().length === 0) throw new Error(`memory suite ${plan.name}: the ${mode} target's process cannot be found on this machine, so its memory cannot be sampled`);
      const counter = { done: 0, errors: 0 };
      const sampler = new MemorySampler(driver.pids, {
        intervalMs,
        ...(driver.heapProbeDir ? { heapProbeDir: driver.heapProbeDir } : {}),
        onSample: emitMemorySamples(emit, plan.name, { mode }),
      });
      sampler.progress = () => counter.done;
      sampler.start();
      await drive(driver, 0, warmup, concurrency, signal, counter);
      const measuredFrom = sampler.samples.length;
      const heapBefore = heapByPid(driver);
      await drive(driver, warmup, iterations, concurrency, signal, counter);
      sampler.stop();
      emit({ type: 'progress', suite: plan.name, phase: `${mode} leak check`, done: results.length + 1, total: modes.length });
      const measured: MemorySample[] = sampler.samples.slice(measuredFrom).filter((s) => s.x >= warmup);
      const leaks: Record<string, LeakVerdict> = {};
      const afterGc = afterGcPoints(measured);
      const fitted: ModeResult['series'] = {};
      const clean = afterGc.length >= 5 && new Set(afterGc.map((s) => s.x)).size >= 3;
      for (const series of ['anon', 'heap'] as const) {
        const points = clean
          ? afterGc.map((s) => ({ x: s.x, y: series === 'anon' ? s.anonAfterGc! : s.heapAfterGc! }))
          : measured.flatMap((s) => (s[series] === undefined ? [] : [{ x: s.x, y: s[series] }]));
        if (points.length < 5 || new Set(points.map((s) => s.x)).size < 3) continue;
        leaks[series] = judgeLeak(points.map((s) => s.x), points.map((s) => s.y), allowed, confidence);
        fitted[series] = { basis: clean ? 'after forced GC' : 'raw samples', x: points.map((s) => s.x), y: points.map((s) => Math.round(s.y)) };
        const how = clean ? `${points.length} measurements after a forced full GC` : `${points.length} raw samples, garbage included: too few measurements after a forced GC (a target without the heap probe has none)`;
        log(`${mode} ${series}: ${leaks[series]!.reason} (${how})`, leaks[series]!.suspected ? 'warn' : 'info');
      }
      const result: ModeResult = {
        mode,
        requests: counter.done - warmup,
        errors: counter.errors,
        leaks,
        samples: measured.length,
        peaks: sampler.peaks,
        oom: driver.oom(),
        ...(driver.coldStartMs !== undefined ? { coldStartMs: driver.coldStartMs } : {}),
        series: fitted,
      };
      if (Object.values(leaks).some((l) => l.suspected) && p.snapshots !== false && !signal.aborted) {
        result.snapshots = await takeSnapshots(driver, heapBefore, () => drive(driver, counter.done, Math.ceil(iterations / 2), concurrency, signal, counter), log);
      }
      results.push(result);
    } finally {
      await driver.close();
    }
  }
  const metrics = toMetrics(results);
  const short = results.filter((r) => r.leaks['anon'] === undefined).map((r) => `${r.mode} (${r.samples} samples)`);
  const unmeasured: NonNullable<RunnerOutput['unmeasured']> = {};
  if (short.length) {
    delete metrics['leak.suspected'];
    unmeasured.self = { 'leak.suspected': `too few memory samples to fit a slope in ${short.join(', ')}: raise iterations or lower sampleInterval` };
  }
  return { metrics, ...(short.length ? { unmeasured } : {}), details: { modes: results.map(detail), leakSeries: results.flatMap(leakSeries), allowedBytesPerRequest: allowed, confidence, texts: corpus.source } };
}

function heapByPid(driver: Driver): Map<number, number> {
  const out = new Map<number, number>();
  if (!driver.heapProbeDir) return out;
  for (const pid of driver.pids().flatMap((p) => processTree(p))) {
    const h = readHeapReport(driver.heapProbeDir, pid);
    if (h) out.set(pid, h.heapUsed);
  }
  return out;
}

async function takeSnapshots(driver: Driver, before: Map<number, number>, more: () => Promise<void>, log: (m: string, l?: 'info' | 'warn') => void): Promise<ModeResult['snapshots']> {
  const dir = driver.heapProbeDir;
  if (!dir) return { skipped: 'the target process does not run the heap probe, so no heap snapshot can be taken' };
  const now = heapByPid(driver);
  const grown = [...now.entries()].map(([pid, heap]) => ({ pid, growth: heap - (before.get(pid) ?? heap) })).sort((a, b) => b.growth - a.growth)[0];
  if (!grown) return { skipped: 'no probed process found' };
  try {
    const files: string[] = [];
    const first = readHeapReport(dir, grown.pid)?.snapshots ?? 0;
    files.push(await snapshot(grown.pid, dir, first + 1));
    await more();
    files.push(await snapshot(grown.pid, dir, first + 2));
    await more();
    files.push(await snapshot(grown.pid, dir, first + 3));
    const retainers = analyseSnapshots(files as [string, string, string]);
    for (const r of retainers) log(`pid ${grown.pid} keeps +${formatBytes(r.bytes)} of ${r.name} (${r.count} more), retained by ${r.retainedBy.join(' ← ') || '(unknown)'}`, 'warn');
    for (const f of files) rmSync(f, { force: true });
    return { pid: grown.pid, retainers };
  } catch (err) {
    return { skipped: `heap snapshots failed: ${(err as Error).message}` };
  }
}

function toMetrics(results: ModeResult[]): Metrics {
  const m: Metrics = {};
  const put = (name: string, value: number | undefined, unit: Unit) => {
    if (value !== undefined && Number.isFinite(value)) m[name] = { value, unit };
  };
  let suspected = 0;
  for (const r of results) {
    put(`${r.mode}.requests`, r.requests, 'count');
    if (r.mode === 'http') put('http.errors', r.errors, 'count');
    for (const [series, verdict] of Object.entries(r.leaks)) {
      put(`${r.mode}.leak.${series}.slope`, verdict.fit.slope, 'bytes');
      put(`${r.mode}.leak.${series}.slope.ci_low`, verdict.fit.ciLow, 'bytes');
      put(`${r.mode}.leak.${series}.slope.ci_high`, verdict.fit.ciHigh, 'bytes');
      if (verdict.suspected) suspected++;
    }
  }
  if (results.some((r) => Object.keys(r.leaks).length > 0)) put('leak.suspected', suspected, 'count');
  const http = results.find((r) => r.mode === 'http');
  const inproc = results.find((r) => r.mode === 'inprocess');
  put('cold_start', http?.coldStartMs ?? inproc?.coldStartMs, 'ms');
  put('cold_start.inprocess', inproc?.coldStartMs, 'ms');
  if (results.length) {
    put('memory.rss.peak', Math.max(...results.map((r) => r.peaks.rss)), 'bytes');
    put('memory.anon.peak', Math.max(...results.map((r) => r.peaks.anon)), 'bytes');
    put('memory.file.peak', Math.max(...results.map((r) => r.peaks.file)), 'bytes');
    const heaps = results.map((r) => r.peaks.heap).filter((h): h is number => h !== undefined);
    if (heaps.length) put('memory.heap.peak', Math.max(...heaps), 'bytes');
    put('memory.samples', results.reduce((a, r) => a + r.peaks.samples, 0), 'count');
    put('memory.oom', results.reduce((a, r) => a + r.oom.length, 0), 'count');
  }
  return m;
}

/** One row per fitted series: its points and its fit, which report.html draws (see memory-chart.ts). */
function leakSeries(r: ModeResult) {
  return (['anon', 'heap'] as const).flatMap((name) => {
    const points = r.series[name];
    const verdict = r.leaks[name];
    if (!points || !verdict) return [];
    const { slope, intercept, ciLow, ciHigh } = verdict.fit;
    return [{ mode: r.mode, series: name, basis: points.basis, suspected: verdict.suspected, reason: verdict.reason, slope, intercept, ciLow, ciHigh, x: points.x, y: points.y }];
  });
}

function detail(r: ModeResult) {
  return {
    mode: r.mode,
    requests: r.requests,
    errors: r.errors,
    samples: r.samples,
    peaks: r.peaks,
    ...(r.coldStartMs !== undefined ? { coldStartMs: Math.round(r.coldStartMs) } : {}),
    leaks: Object.fromEntries(Object.entries(r.leaks).map(([k, v]) => [k, { suspected: v.suspected, reason: v.reason, ...v.fit }])),
    ...(r.snapshots ? { snapshots: r.snapshots } : {}),
    oom: r.oom,
  };
}
