// What a soak reads from its target at each window's close: memory (sampled every `interval` in
// between, summed up by its medians and then dropped), the cache counters of embedgate serve's
// /metrics, worker restarts (/health, through the target watch), whether the server process is
// still there, and out-of-memory evidence. Only the open window's samples are held.
import { median } from '../../metrics/statistics.ts';
import { MemorySampler, type MemorySample, type MemoryPeaks } from '../../probes/memory-sampler.ts';
import type { HttpEndpoint } from '../../targets/target.ts';
import type { WindowPoint } from '../memory/leak-windows.ts';
import { afterGcPoints, MIN_AFTER_GC_PER_WINDOW } from '../memory/leaks.ts';
import type { TargetWatch } from '../server-side/target-watch.ts';

export interface WindowMemory {
  rss?: number;
  anon?: number;
  file?: number;
  heap?: number;
  /** Medians of the window for the leak verdict: raw samples, and after forced GCs when every sample had one. */
  raw: { anon?: WindowPoint; heap?: WindowPoint };
  afterGc?: { anon: WindowPoint; heap: WindowPoint };
}

export interface WindowTargetReading {
  memory: WindowMemory;
  /** Server cache hits in the window, and the requests that repeated a hot text. */
  cache?: { hits: number; repeats: number };
  restarts?: number;
  exited: boolean;
  oom: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const counter = (text: string, name: string) => {
  const v = Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1]);
  return Number.isFinite(v) ? v : undefined;
};

/** A window's points for the verdict: median x (requests) and y (bytes), and how many points. */
function point<S>(samples: readonly S[], x: (s: S) => number, y: (s: S) => number | undefined): WindowPoint | undefined {
  const kept = samples.filter((s) => y(s) !== undefined);
  return kept.length ? { x: median(kept.map(x)), y: median(kept.map((s) => y(s)!)), n: kept.length } : undefined;
}

export class TargetProbe {
  private readonly sampler: MemorySampler | undefined;
  private cacheBefore: number | undefined;
  private repeatsBefore = 0;
  private restartsBefore: number | undefined;
  private oomBefore = 0;
  private exitedSeen = false;
  private lastGc: MemorySample | undefined;

  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly watch: TargetWatch,
    /** requests: estimated requests served so far (the leak verdict's x); repeats: hot requests sent so far. */
    private readonly opts: { intervalMs: number; progress: () => number; repeats: () => number },
  ) {
    const { pids, heapProbeDir } = endpoint.processes;
    if (pids.length > 0) {
      this.sampler = new MemorySampler(() => pids, { intervalMs: opts.intervalMs, ...(heapProbeDir ? { heapProbeDir } : {}) });
      this.sampler.progress = opts.progress;
    }
  }

  /** Why memory cannot be read, when it cannot. */
  get memoryUnavailable(): string | undefined {
    return this.sampler ? undefined : (this.endpoint.processes.unavailable ?? 'the target has no process on this machine');
  }

  get peaks(): MemoryPeaks | undefined {
    return this.sampler?.peaks;
  }

  /** Starts sampling and takes the reference readings the first window's counts are relative to. */
  async start(): Promise<void> {
    this.sampler?.start();
    this.cacheBefore = await this.readCache();
    this.repeatsBefore = this.opts.repeats();
    this.restartsBefore = this.watch.workerRestarts;
    this.oomBefore = this.endpoint.server?.oomEvidence().length ?? 0;
  }

  stop(): void {
    this.sampler?.stop();
  }

  /** The window that just closed: its memory medians (its samples are then dropped) and the counters' moves. */
  async closeWindow(): Promise<WindowTargetReading> {
    const samples = this.sampler ? this.sampler.samples.splice(0) : [];
    const x = (s: MemorySample) => s.x;
    // A GC reading from the window before still holds until the next GC: carry it, so a window
    // as short as the GC interval is not left without one.
    const gc = afterGcPoints(this.lastGc ? [this.lastGc, ...samples] : samples);
    if (gc.length) this.lastGc = gc.at(-1);
    const gcUsable = gc.length >= MIN_AFTER_GC_PER_WINDOW;
    const memory: WindowMemory = {
      raw: {
        ...(point(samples, x, (s) => s.anon) ? { anon: point(samples, x, (s) => s.anon)! } : {}),
        ...(point(samples, x, (s) => s.heap) ? { heap: point(samples, x, (s) => s.heap)! } : {}),
      },
      ...(gcUsable ? { afterGc: { anon: point(gc, x, (s) => s.anonAfterGc)!, heap: point(gc, x, (s) => s.heapAfterGc)! } } : {}),
    };
    if (samples.length) {
      memory.rss = median(samples.map((s) => s.rss));
      memory.file = median(samples.map((s) => s.file));
      memory.anon = memory.afterGc?.anon.y ?? memory.raw.anon?.y;
      const heap = memory.afterGc?.heap.y ?? memory.raw.heap?.y;
      if (heap !== undefined) memory.heap = heap;
    }
    const hitsNow = await this.readCache();
    const repeatsNow = this.opts.repeats();
    // A restarted server counts from 0 again: its count is this window's.
    const hits = hitsNow === undefined ? undefined : this.cacheBefore !== undefined && hitsNow >= this.cacheBefore ? hitsNow - this.cacheBefore : hitsNow;
    const cache = hits === undefined ? undefined : { hits, repeats: repeatsNow - this.repeatsBefore };
    if (hitsNow !== undefined) this.cacheBefore = hitsNow;
    this.repeatsBefore = repeatsNow;
    const restartsNow = this.watch.workerRestarts;
    const restarts = restartsNow !== undefined ? Math.max(0, restartsNow - (this.restartsBefore ?? 0)) : undefined;
    if (restartsNow !== undefined) this.restartsBefore = restartsNow;
    const oomNow = this.endpoint.server?.oomEvidence().length ?? 0;
    const oom = Math.max(0, oomNow - this.oomBefore);
    this.oomBefore = oomNow;
    return { memory, ...(cache ? { cache } : {}), ...(restarts !== undefined ? { restarts } : {}), exited: this.exited(), oom };
  }

  /** The server process is gone: embedgate serve the harness started exited, or the process an http target listened with is no more. */
  exited(): boolean {
    if (this.exitedSeen) return true;
    const server = this.endpoint.server;
    const gone = server ? !server.alive : this.endpoint.processes.pids.length > 0 && !this.endpoint.processes.pids.every(isAlive);
    if (gone) this.exitedSeen = true;
    return gone;
  }

  private async readCache(): Promise<number | undefined> {
    try {
      const res = await fetch(`${this.endpoint.url}/metrics`, { signal: AbortSignal.timeout(2000) });
      const text = await res.text();
      if (res.status !== 200) return undefined;
      return counter(text, 'embedgate_cache_hits_total');
    } catch {
      return undefined;
    }
  }
}
