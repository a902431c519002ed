// One side of a load or memory suite: the target (or the compare target) as something autocannon
// can reach and the sampler can measure. The target gives the URL (a gguf target starts its own
// `embedgate serve` with the same pool of contexts; an http target is used where it is) and
// names the processes to sample; the side adds the sampler and the machine's OOM counter.
import { MemorySampler, type MemorySample } from '../probes/memory-sampler.ts';
import { cgroupOomKills } from '../probes/oom.ts';
import { need, type DedicatedServer, type HttpEndpoint, type Target } from '../targets/target.ts';

export interface ServerParams {
  queue?: number;
  cacheMb?: number;
  overflow?: 'error' | 'truncate';
}

/** How the harness starts a side's server beyond what the suite says (not suite parameters). */
export interface SideOptions {
  sampleIntervalMs: number;
  onLog?: (line: string) => void;
  /** See HttpServeParams.gcEveryMs. */
  gcEveryMs?: number;
  /** Called with each memory sample of the side's processes. */
  onSample?: (s: MemorySample) => void;
}

export interface Side {
  /** 'reference': a load suite's reference: server (harness/targets/reference/). */
  role: 'target' | 'compare' | 'reference';
  /** For messages: "gguf:candidate", "http:http://127.0.0.1:9000". */
  label: string;
  target: Target;
  url: string;
  /** The model field of request bodies. */
  modelId: string;
  /** The server the target started for this side, when it started one. */
  serve?: DedicatedServer;
  /** The process whose tree is the target, when it runs on this machine. */
  rootPid?: number;
  heapProbeDir?: string;
  sampler?: MemorySampler;
  /** Why memory cannot be sampled, when it cannot. */
  memoryUnavailable?: string;
  oomKillsBefore?: number;
  endpoint: HttpEndpoint;
}

export async function openSide(
  role: Side['role'],
  target: Target,
  server: ServerParams,
  opts: SideOptions,
): Promise<Side> {
  const http = need(target, 'a load or memory suite', 'serveHttp');
  const oom = cgroupOomKills();
  const endpoint = await http.serveHttp({
    ...server,
    ...(opts.gcEveryMs !== undefined ? { gcEveryMs: opts.gcEveryMs } : {}),
    ...(opts.onLog ? { onLog: opts.onLog } : {}),
  });
  return sideAt(role, target, endpoint, opts, oom);
}

/** A side at an endpoint already there (a target that drives its own phases gives one of its own: kinds/load/driven-side.ts). */
export function sideAt(role: Side['role'], target: Target, endpoint: HttpEndpoint, opts: SideOptions, oom = cgroupOomKills()): Side {
  const label = target.describe().ref;
  const side: Side = { role, label, target, url: endpoint.url, modelId: endpoint.modelId, endpoint };
  if (oom !== undefined) side.oomKillsBefore = oom;
  if (endpoint.server) side.serve = endpoint.server;
  const { pids, heapProbeDir, unavailable } = endpoint.processes;
  if (pids[0] !== undefined) side.rootPid = pids[0];
  if (heapProbeDir) side.heapProbeDir = heapProbeDir;
  if (unavailable) side.memoryUnavailable = unavailable;
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

/** Target processes or workers that died: the server the target started, or its worker restarted. */
export function crashesOf(side: Side): { count: number; lines: string[] } {
  if (side.serve) {
    const lines = side.serve.crashes();
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
  await side.endpoint.close();
}
