// Samples a target's memory at a fixed interval: RSS split anon/file for the process and all its
// children (embedgate serve and its llama.cpp worker), and the V8 heap of each Node process that
// runs the heap probe. Keeps the series (for leak slopes) and the peaks (for capacity checks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processTree, readProcessMemory } from './process-memory.ts';

export interface MemorySample {
  /** ms since the sampler started. */
  t: number;
  /** Caller's progress counter at the time (requests served), for slopes per request. */
  x: number;
  rss: number;
  anon: number;
  file: number;
  /** Sum of heapUsed over the probed Node processes; undefined when none is probed. */
  heap?: number;
  /**
   * Heap and anonymous memory right after each process's latest forced full GC (heap probe with
   * EMBEDGATE_HEAP_PROBE_GC_MS), summed; only when every process read reports one, so the sum is
   * of the same processes as `anon`.
   */
  heapAfterGc?: number;
  anonAfterGc?: number;
  pids: number;
}

export interface HeapReport {
  pid: number;
  time: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  peakHeapUsed: number;
  snapshots: number;
  argv: string[];
  /** The latest forced full GC's aftermath, when the probe runs them. */
  afterGc?: { time: number; heapUsed: number; anon?: number; count: number };
}

export interface MemoryPeaks {
  rss: number;
  anon: number;
  file: number;
  heap?: number;
  samples: number;
}

export function readHeapReport(dir: string, pid: number): HeapReport | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, `${pid}.json`), 'utf8')) as HeapReport;
  } catch {
    return undefined;
  }
}

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  private peak: MemoryPeaks = { rss: 0, anon: 0, file: 0, samples: 0 };
  /** Per process: the largest RSS seen, so a report can say which process held the memory. */
  readonly peakByPid = new Map<number, { rss: number; anon: number; file: number; heap?: number }>();
  progress: () => number = () => 0;

  constructor(
    /** Root pids; their descendants are included at each sample. */
    private readonly roots: () => number[],
    private readonly opts: { intervalMs?: number; heapProbeDir?: string; onSample?: (s: MemorySample) => void } = {},
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.opts.intervalMs ?? 500);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  /** Takes one sample now; returns it, or undefined when no process could be read. */
  sample(): MemorySample | undefined {
    const pids = [...new Set(this.roots().flatMap((p) => processTree(p)))];
    let rss = 0;
    let anon = 0;
    let file = 0;
    let heap: number | undefined;
    let heapAfterGc = 0;
    let anonAfterGc = 0;
    let afterGcComplete = true;
    let read = 0;
    for (const pid of pids) {
      const m = readProcessMemory(pid);
      if (!m) continue;
      read++;
      rss += m.rss;
      anon += m.anon;
      file += m.file;
      const h = this.opts.heapProbeDir ? readHeapReport(this.opts.heapProbeDir, pid) : undefined;
      if (h) heap = (heap ?? 0) + h.heapUsed;
      if (h?.afterGc?.anon !== undefined) {
        heapAfterGc += h.afterGc.heapUsed;
        anonAfterGc += h.afterGc.anon;
      } else {
        afterGcComplete = false;
      }
      const prev = this.peakByPid.get(pid);
      if (!prev || m.rss > prev.rss) this.peakByPid.set(pid, { rss: m.rss, anon: m.anon, file: m.file, ...(h ? { heap: h.peakHeapUsed } : {}) });
    }
    if (read === 0) return undefined;
    const s: MemorySample = {
      t: Date.now() - this.started,
      x: this.progress(),
      rss,
      anon,
      file,
      pids: read,
      ...(heap !== undefined ? { heap } : {}),
      ...(afterGcComplete ? { heapAfterGc, anonAfterGc } : {}),
    };
    this.samples.push(s);
    this.opts.onSample?.(s);
    this.peak = {
      rss: Math.max(this.peak.rss, rss),
      anon: Math.max(this.peak.anon, anon),
      file: Math.max(this.peak.file, file),
      samples: this.peak.samples + 1,
      ...(heap !== undefined || this.peak.heap !== undefined ? { heap: Math.max(this.peak.heap ?? 0, heap ?? 0) } : {}),
    };
    return s;
  }

  get peaks(): MemoryPeaks {
    return { ...this.peak };
  }
}
