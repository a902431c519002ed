// One side of a load or memory suite: the target (or the compare target) as something autocannon
// can reach and the sampler can measure. A gguf target gets its own `embedgate serve` child with
// the same pool of contexts; an http target is used where it is, and its memory is sampled when
// it listens on this machine (the pid found through its socket).
import { basename } from 'node:path';
import type { EmbeddingTarget } from '../targets/target.ts';
import { GgufTarget } from '../targets/gguf/target.ts';
import { HttpTarget } from '../targets/http/target.ts';
import { MemorySampler, type MemorySample } from '../probes/memory-sampler.ts';
import { cgroupOomKills } from '../probes/oom.ts';
import { pidListeningOn, processEnvironment } from '../probes/process-memory.ts';
import { ServeProcess } from './serve-process.ts';

export interface ServerParams {
  queue?: number;
  cacheMb?: number;
  overflow?: 'error' | 'truncate';
}

/** How the harness starts a side's server beyond what the suite says (not suite parameters). */
export interface SideOptions {
  sampleIntervalMs: number;
  onLog?: (line: string) => void;
  /** See ServeOptions.gcEveryMs. */
  gcEveryMs?: number;
  /** Called with each memory sample of the side's processes. */
  onSample?: (s: MemorySample) => void;
}

export interface Side {
  role: 'target' | 'compare';
  /** For messages: "gguf:candidate", "http:http://127.0.0.1:9000". */
  label: string;
  target: EmbeddingTarget;
  url: string;
  /** The model field of request bodies. */
  modelId: string;
  serve?: ServeProcess;
  /** The gguf target opened by the run, for the in-process ceiling. */
  gguf?: GgufTarget;
  /** The process whose tree is the target, when it runs on this machine. */
  rootPid?: number;
  heapProbeDir?: string;
  sampler?: MemorySampler;
  /** Why memory cannot be sampled, when it cannot. */
  memoryUnavailable?: string;
  oomKillsBefore?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export async function openSide(
  role: Side['role'],
  target: EmbeddingTarget,
  server: ServerParams,
  opts: SideOptions,
): Promise<Side> {
  const label = target.describe().ref;
  const side: Side = { role, label, target, url: '', modelId: target.info().name };
  const oom = cgroupOomKills();
  if (oom !== undefined) side.oomKillsBefore = oom;
  if (target instanceof GgufTarget) {
    side.gguf = target;
    const info = target.info();
    side.serve = await ServeProcess.start({
      model: info.path,
      contexts: target.facts.contexts,
      threads: target.facts.threads,
      ...(server.queue !== undefined ? { queue: server.queue } : {}),
      ...(server.cacheMb !== undefined ? { cacheMb: server.cacheMb } : {}),
      overflow: server.overflow ?? 'truncate',
      ...(opts.gcEveryMs !== undefined ? { gcEveryMs: opts.gcEveryMs } : {}),
      ...(opts.onLog ? { onLog: opts.onLog } : {}),
    });
    side.url = side.serve.url;
    side.modelId = basename(info.path);
    side.rootPid = side.serve.pid;
    side.heapProbeDir = side.serve.heapProbeDir;
  } else if (target instanceof HttpTarget) {
    side.url = target.url.replace(/\/v1\/?$/, '').replace(/\/+$/, '');
    const u = new URL(side.url);
    if (LOOPBACK.has(u.hostname)) {
      const pid = pidListeningOn(Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
      if (pid !== undefined) {
        side.rootPid = pid;
        const dir = processEnvironment(pid)?.EMBEDGATE_HEAP_PROBE_DIR;
        if (dir) side.heapProbeDir = dir;
      } else {
        side.memoryUnavailable = `no process of this user listens on ${u.host}: its memory cannot be read`;
      }
    } else {
      side.memoryUnavailable = `${u.host} is another machine: its memory cannot be read from here`;
    }
  } else {
    throw new Error(`${label}: load and memory suites need a gguf or http target`);
  }
  if (side.rootPid !== undefined) {
    const root = side.rootPid;
    side.sampler = new MemorySampler(() => [root], {
      intervalMs: opts.sampleIntervalMs,
      ...(side.heapProbeDir ? { heapProbeDir: side.heapProbeDir } : {}),
      ...(opts.onSample ? { onSample: opts.onSample } : {}),
    }).start();
  }
  return side;
}

/** Target processes or workers that died: the serve child itself, or its worker restarted. */
export function crashesOf(side: Side): { count: number; lines: string[] } {
  if (side.serve) {
    const lines = side.serve.stderr.split('\n').filter((l) => /worker: down|circuit open/.test(l));
    if (!side.serve.alive) lines.unshift(`embedgate serve exited (${side.serve.exit?.signal ?? `code ${side.serve.exit?.code}`})`);
    return { count: lines.length, lines };
  }
  if (side.rootPid !== undefined && side.sampler && side.sampler.sample() === undefined) {
    return { count: 1, lines: [`process ${side.rootPid} listening for ${side.label} is gone`] };
  }
  return { count: 0, lines: [] };
}

export function oomEvidence(side: Side): string[] {
  const lines = side.serve ? side.serve.oomEvidence() : [];
  const after = cgroupOomKills();
  if (side.oomKillsBefore !== undefined && after !== undefined && after > side.oomKillsBefore) {
    lines.push(`the cgroup's oom_kill counter went from ${side.oomKillsBefore} to ${after}`);
  }
  return lines;
}

/** Server-side cache hit rate from embedgate serve's /metrics; undefined for other servers. */
export async function cacheHitRate(side: Side): Promise<number | undefined> {
  if (!side.serve?.alive) return undefined;
  try {
    const text = await (await fetch(`${side.url}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    const read = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text)?.[1]);
    const hits = read('embedgate_cache_hits_total');
    const misses = read('embedgate_cache_misses_total');
    return Number.isFinite(hits) && Number.isFinite(misses) && hits + misses > 0 ? hits / (hits + misses) : undefined;
  } catch {
    return undefined;
  }
}

export async function closeSide(side: Side): Promise<void> {
  side.sampler?.stop();
  await side.serve?.stop();
}
