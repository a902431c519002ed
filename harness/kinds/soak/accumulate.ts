// A soak's figures as its windows close: each window's metrics (what ctx.window reports), and the
// run's totals and statistics across windows, all in fixed-size state (window-stats.ts): request
// accounting summed, latency histograms merged into one, the per-window p95 in running
// statistics, memory in compacted points for the leak verdict. Nothing is kept per window.
import type { PhaseResult } from '../../http-client/phase.ts';
import { addToTally, emptyTally, type Tally } from '../../http-client/tally.ts';
import { LatencyHistogram } from '../../metrics/latency.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { putLoadTotals, putLoadWindow } from '../server-side/load-window.ts';
import { judgeWindows, type WindowVerdict } from '../memory/leak-windows.ts';
import { MIN_AFTER_GC_PER_WINDOW, MIN_RAW_PER_WINDOW } from '../memory/leaks.ts';
import { SOAK_METRICS, SOAK_WINDOW_METRICS } from './metrics.ts';
import type { WindowTargetReading } from './target-probe.ts';
import { CompactPoints, RunningStats } from './window-stats.ts';

export interface SoakWindowInput {
  startMs: number;
  endMs: number;
  result: PhaseResult;
  target: WindowTargetReading;
  harnessRss: number;
  /** False inside the settle time or for a window cut short: shown and counted, not used by the statistics across windows. */
  judged: boolean;
}

export interface Verdicts {
  anon?: WindowVerdict & { basis: string };
  heap?: WindowVerdict & { basis: string };
}

/**
 * Cache hits over requests repeating a hot text. Hits the server counts on cold texts (a cache
 * large enough to keep the cold cycle) or in another window's grace period can outnumber them;
 * then the hits are the denominator, so the rate stays a share.
 */
function hitRate(hits: number, repeats: number): number | undefined {
  return Math.max(hits, repeats) > 0 ? hits / Math.max(hits, repeats) : undefined;
}

type Series = { raw: CompactPoints; afterGc: CompactPoints };
const series = (): Series => ({ raw: new CompactPoints(), afterGc: new CompactPoints() });

export class SoakAccumulator {
  readonly total: Tally = emptyTally();
  private readonly latency = new LatencyHistogram();
  private readonly p95 = new RunningStats();
  private readonly memory = { anon: series(), heap: series() };
  private judged = 0;
  private windows = 0;
  private firstStartMs: number | undefined;
  private lastEndMs = 0;
  private okInWindows = 0;
  private okValid = 0;
  private windowMs = 0;
  private cache = { hits: 0, repeats: 0, windows: 0 };
  private restarts: number | undefined;
  private oom = 0;
  private exited = false;
  private harness = { first: undefined as number | undefined, last: 0, peak: 0 };

  /** Adds a closed window; returns its metrics, named as in SOAK_WINDOW_METRICS. */
  add(w: SoakWindowInput): Metrics {
    const r = w.result;
    const out = metricWriter(SOAK_WINDOW_METRICS);
    const okValid = Math.max(0, r.ok - r.invalid.total);
    putLoadWindow(out, r);
    out.set('responses.invalid', r.invalid.total);
    out.put('availability', r.sent > 0 ? okValid / r.sent : undefined);
    const t = w.target;
    if (t.cache) out.put('cache.hit_rate', hitRate(t.cache.hits, t.cache.repeats));
    out.put('memory.rss', t.memory.rss);
    out.put('memory.anon', t.memory.anon);
    out.put('memory.file', t.memory.file);
    out.put('memory.heap', t.memory.heap);
    out.set('memory.oom', t.oom);
    out.put('worker.restarts', t.restarts);
    out.set('target.exited', t.exited ? 1 : 0);
    out.set('harness.rss', w.harnessRss);

    this.windows++;
    this.firstStartMs ??= w.startMs;
    this.lastEndMs = w.endMs;
    this.windowMs += r.wallMs;
    this.okInWindows += (r.throughputRps * r.wallMs) / 1000;
    this.okValid += okValid;
    addToTally(this.total, r);
    this.latency.merge(r.corrected ?? r.latency);
    if (t.cache) {
      this.cache.hits += t.cache.hits;
      this.cache.repeats += t.cache.repeats;
      this.cache.windows++;
    }
    if (t.restarts !== undefined) this.restarts = (this.restarts ?? 0) + t.restarts;
    this.oom += t.oom;
    this.exited ||= t.exited;
    this.harness.first ??= w.harnessRss;
    this.harness.last = w.harnessRss;
    this.harness.peak = Math.max(this.harness.peak, w.harnessRss);
    if (w.judged) {
      this.judged++;
      const p95 = out.value('latency.p95');
      if (p95 !== undefined) this.p95.add(p95);
      for (const name of ['anon', 'heap'] as const) {
        const raw = t.memory.raw[name];
        if (raw) this.memory[name].raw.add(raw);
        if (t.memory.afterGc) this.memory[name].afterGc.add(t.memory.afterGc[name]);
      }
    }
    return out.metrics;
  }

  /** The leak verdict per series: on after-GC medians when every judged window had them, else on raw samples. */
  verdicts(allowedPerRequest: number, confidence: number, minWindows: number): Verdicts {
    const out: Verdicts = {};
    for (const name of ['anon', 'heap'] as const) {
      const s = this.memory[name];
      const clean = s.afterGc.windows > 0 && s.afterGc.windows === this.judged;
      const pts = clean ? s.afterGc : s.raw;
      if (pts.windows === 0) continue;
      const verdict = judgeWindows(pts.list(), allowedPerRequest, confidence, { minWindows, minPointsPerWindow: clean ? MIN_AFTER_GC_PER_WINDOW : MIN_RAW_PER_WINDOW });
      const per = pts.windowsPerPoint > 1 ? `, a point per ${pts.windowsPerPoint} windows` : '';
      out[name] = { ...verdict, basis: `${clean ? 'after forced GC' : 'raw samples'}${per}` };
    }
    return out;
  }

  /** The run's metrics, and those left unmeasured with why. */
  summary(opts: { minWindows: number; capacityRps?: number; rate?: number; verdicts: Verdicts; memoryUnavailable?: string; peaks?: { rss: number; anon: number; file: number; heap?: number } }): { metrics: Metrics; unmeasured: Record<string, string> } {
    const out = metricWriter(SOAK_METRICS);
    const unmeasured: Record<string, string> = {};
    const t = this.total;
    out.set('soak.duration', this.firstStartMs === undefined ? 0 : this.lastEndMs - this.firstStartMs);
    out.set('windows', this.windows);
    out.set('windows.judged', this.judged);
    out.put('load.capacity.rps', opts.capacityRps);
    out.put('load.rate', opts.rate);
    putLoadTotals(out, t);
    out.put('throughput.rps', this.windowMs > 0 ? (this.okInWindows * 1000) / this.windowMs : undefined);
    out.putAll(this.latency.toMetrics(''));
    out.put('availability', t.sent > 0 ? this.okValid / t.sent : undefined);
    if (t.sent === 0) unmeasured['availability'] = unmeasured['errors.rate'] = 'no request was sent';

    const few = `only ${this.judged} window${this.judged === 1 ? '' : 's'} after settle, at least ${opts.minWindows} are needed`;
    if (this.judged >= opts.minWindows && this.p95.cv !== undefined) {
      out.set('latency.p95.cv', this.p95.cv);
      out.set('latency.p95.windows.min', this.p95.min);
      out.set('latency.p95.windows.max', this.p95.max);
    } else {
      for (const m of ['latency.p95.cv', 'latency.p95.windows.min', 'latency.p95.windows.max']) unmeasured[m] = this.judged >= opts.minWindows ? 'too few windows had 2xx answers to take a p95' : few;
    }

    const rate = hitRate(this.cache.hits, this.cache.repeats);
    if (rate !== undefined) out.set('cache.hit_rate', rate);
    else unmeasured['cache.hit_rate'] = this.cache.windows > 0 ? 'no request repeated a hot text' : 'the target’s /metrics has no embedgate_cache_hits_total';

    const { anon, heap } = opts.verdicts;
    for (const [name, v] of [['anon', anon], ['heap', heap]] as const) {
      if (!v?.fit) continue;
      out.set(`leak.${name}.slope`, v.fit.slope);
      out.set(`leak.${name}.slope.ci_low`, v.fit.ciLow);
      out.set(`leak.${name}.slope.ci_high`, v.fit.ciHigh);
    }
    const called = [anon, heap].filter((v) => v !== undefined);
    if (called.length > 0 && called.every((v) => v.call !== 'inconclusive')) out.set('leak.suspected', called.filter((v) => v.suspected).length);
    else if (called.some((v) => v.suspected)) out.set('leak.suspected', called.filter((v) => v.suspected).length);
    else unmeasured['leak.suspected'] = opts.memoryUnavailable ?? (called.find((v) => v.call === 'inconclusive')?.reason ?? few);

    if (opts.peaks) {
      out.put('memory.rss.peak', opts.peaks.rss || undefined);
      out.put('memory.anon.peak', opts.peaks.anon || undefined);
      out.put('memory.file.peak', opts.peaks.file || undefined);
      out.put('memory.heap.peak', opts.peaks.heap);
    }
    out.set('memory.oom', this.oom);
    if (this.restarts !== undefined) out.set('worker.restarts', this.restarts);
    else unmeasured['worker.restarts'] = 'the target’s /health does not report worker restarts';
    out.set('target.exited', this.exited ? 1 : 0);
    out.put('harness.rss.first', this.harness.first);
    out.put('harness.rss.peak', this.harness.peak || undefined);
    if (this.harness.first !== undefined) out.set('harness.rss.growth', this.harness.last - this.harness.first);
    return { metrics: out.metrics, unmeasured };
  }
}
