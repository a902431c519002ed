// The memory suite kind: leak detection and cold start. For each mode (in process: a fresh gguf
// worker; over HTTP: a fresh `embedgate serve`, or the http target where it runs), embed N
// requests after a warm-up while sampling memory, window by window (each window is reported as it
// closes), then judge anonymous RSS and the V8 heap across the windows (leak-windows.ts). On
// suspicion, three heap snapshots name what grows.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildBodies, loadCorpusTexts } from '../../http-client/bodies.ts';
import { closeSide, oomEvidence, openSide, type Side } from '../../http-client/side.ts';
import { formatBytes } from '../../format.ts';
import { emitMemorySamples } from '../../probes/memory-events.ts';
import { analyseSnapshots } from '../../probes/heap-snapshot.ts';
import { MemorySampler, readHeapReport, type MemorySample } from '../../probes/memory-sampler.ts';
import { processTree } from '../../probes/process-memory.ts';
import { has, need } from '../../targets/target.ts';
import type { RunnerContext, RunnerOutput } from '../runner.ts';
import { fitLeaks, type MemoryWindowSpan } from './leaks.ts';
import type { MemoryMode } from './metrics.ts';
import type { MemoryParams } from './params.ts';
import { leakSeries, memoryMetrics, modeDetail, undecidedLeaks, windowMetrics, type ModeResult } from './summarise.ts';

/** What one mode needs: a way to embed one request, and the processes to watch. */
interface Driver {
  mode: MemoryMode;
  send: (i: number) => Promise<boolean>;
  pids: () => number[];
  heapProbeDir?: string;
  coldStartMs?: number;
  oom: () => string[];
  close: () => Promise<void>;
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

interface WindowPlan {
  windows: number;
  /** A window closes once it has served this many requests and lasted this long. */
  requests: number;
  ms: number;
}

/**
 * The measured span, window by window: a window closes when it has served its share of the
 * iterations and lasted its share of minDuration, so the span reaches both. Returns the windows
 * that closed (fewer than planned when the suite was stopped).
 */
async function driveWindows(driver: Driver, from: number, plan: WindowPlan, concurrency: number, signal: AbortSignal, counter: { done: number; errors: number }, now: () => number, onWindow: (span: MemoryWindowSpan, errors: number) => void): Promise<MemoryWindowSpan[]> {
  const spans: MemoryWindowSpan[] = [];
  let next = from;
  let open = { fromRequest: counter.done, startMs: now(), errors: counter.errors };
  const closeIfDue = () => {
    const t = now();
    if (spans.length >= plan.windows || counter.done - open.fromRequest < plan.requests || t - open.startMs < plan.ms) return;
    const span = { fromRequest: open.fromRequest, toRequest: counter.done, startMs: open.startMs, endMs: t };
    spans.push(span);
    onWindow(span, counter.errors - open.errors);
    open = { fromRequest: counter.done, startMs: t, errors: counter.errors };
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (spans.length < plan.windows && !signal.aborted) {
        const ok = await driver.send(next++).catch(() => false);
        counter.done++;
        if (!ok) counter.errors++;
        closeIfDue();
      }
    }),
  );
  return spans;
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

export async function runMemory(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, signal, emit } = ctx;
  const suiteStart = performance.now();
  const sinceStart = () => performance.now() - suiteStart;
  const p = plan.params as MemoryParams;
  const who = `memory suite ${plan.name}`;
  // The default depends on the target: only one that can open a copy of its model runs in process.
  const modes: MemoryMode[] = p.modes ?? (has(ctx.target, 'openCopy') ? ['inprocess', 'http'] : ['http']);
  const { iterations, warmup, concurrency, allowedBytesPerRequest: allowed, confidence } = p;
  const windowPlan: WindowPlan = { windows: p.windows, requests: Math.ceil(iterations / p.windows), ms: p.minDuration / p.windows };
  const intervalMs = Math.min(1000, p.sampleInterval);
  const log = (message: string, level: 'info' | 'warn' = 'info') => emit({ type: 'log', level, suite: plan.name, message });
  const info = need(ctx.target, who, 'info').info();
  const corpus = loadCorpusTexts(p.dataset ? resolve(dirname(plan.file), p.dataset) : undefined, (m) => log(m));
  const distinct = buildBodies(corpus.items, { count: p.distinctTexts, repeatShare: 0, model: info.name, queryPrefix: info.queryPrefix, documentPrefix: info.documentPrefix, seed: ctx.seed }).inputs;

  const openDriver = async (mode: MemoryMode): Promise<Driver> => {
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
    const bodies = buildBodies(corpus.items, { count: p.distinctTexts, repeatShare: 0, model: side.modelId, queryPrefix: info.queryPrefix, documentPrefix: info.documentPrefix, seed: ctx.seed }).bodies;
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
      const measuredSoFar = () => sampler.samples.slice(measuredFrom).filter((s) => s.x >= warmup);
      const spans = await driveWindows(driver, warmup, windowPlan, concurrency, signal, counter, sinceStart, (span, errors) =>
        ctx.window({ startMs: span.startMs, endMs: span.endMs, label: mode, metrics: windowMetrics(measuredSoFar(), span, errors) }),
      );
      sampler.stop();
      emit({ type: 'progress', suite: plan.name, phase: `${mode} leak check`, done: results.length + 1, total: modes.length });
      const measured: MemorySample[] = measuredSoFar();
      const { leaks, series: fitted } = fitLeaks(measured, spans, allowed, confidence);
      for (const series of ['anon', 'heap'] as const) {
        const verdict = leaks[series];
        const points = fitted[series];
        if (!verdict || !points) continue;
        const how = points.basis === 'after forced GC' ? `medians of ${points.x.length} measurements after a forced full GC` : `medians of ${points.x.length} raw samples, garbage included: too few measurements after a forced GC (a target without the heap probe has none)`;
        log(`${mode} ${series}: ${verdict.call}: ${verdict.reason} (${how})`, verdict.suspected ? 'warn' : 'info');
      }
      const result: ModeResult = {
        mode,
        requests: counter.done - warmup,
        errors: counter.errors,
        leaks,
        windows: spans.length,
        samples: measured.length,
        peaks: sampler.peaks,
        oom: driver.oom(),
        ...(driver.coldStartMs !== undefined ? { coldStartMs: driver.coldStartMs } : {}),
        series: fitted,
      };
      if (Object.values(leaks).some((l) => l.suspected) && p.snapshots && !signal.aborted) {
        result.snapshots = await takeSnapshots(driver, heapBefore, () => drive(driver, counter.done, Math.ceil(iterations / 2), concurrency, signal, counter), log);
      }
      results.push(result);
    } finally {
      await driver.close();
    }
  }
  const metrics = memoryMetrics(results);
  const undecided = undecidedLeaks(results);
  const unmeasured: NonNullable<RunnerOutput['unmeasured']> = {};
  if (undecided) {
    delete metrics['leak.suspected'];
    unmeasured.self = { 'leak.suspected': undecided };
  }
  return { metrics, ...(undecided ? { unmeasured } : {}), details: { modes: results.map(modeDetail), leakSeries: results.flatMap(leakSeries), allowedBytesPerRequest: allowed, confidence, windows: windowPlan, texts: corpus.source } };
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
