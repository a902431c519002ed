// One load suite from the results of every shard: each phase round rebuilt from the shards'
// per-phase rows (encoded HDR histograms and exact counts), then summarised by the load kind's
// own summarise, so the merged metrics mean what a single run's do. Counts add up; the latency
// percentiles come from the union of the shards' histograms, never from averaged percentiles;
// throughput adds up because the shards ran their phases at the same time.
import type { ErrorCounts, PhaseResult } from '../http-client/phase.ts';
import { CEILING_METRICS } from '../kinds/load/metrics.ts';
import { pairRatios } from '../kinds/load/pair-ratios.ts';
import type { Recovery, SideMeasurements } from '../kinds/load/side-run.ts';
import { summarise, type SideSummary } from '../kinds/load/summarise.ts';
import { LatencyHistogram } from '../metrics/latency.ts';
import type { Metrics, SuiteResult } from '../result.ts';
import type { CeilingResult } from '../targets/target.ts';

/** A phase row as the load kind writes it in details.<side>.phases (see phaseRow in summarise.ts). */
interface PhaseRow {
  phase: string;
  connections: number;
  rate?: number;
  wallMs: number;
  requests: number;
  ok: number;
  throughputRps: number;
  offeredRps: number;
  statusCodes: Record<string, number>;
  errors: ErrorCounts;
  rejected: number;
  rejectedWithoutRetryAfter: number;
  generator: PhaseResult['generator'];
  targetCpuCores?: Record<string, number>;
  histogram: string;
  uncorrectedHistogram?: string;
  sent?: number;
  answered?: number;
  late?: number;
  graceMs?: number;
  checked?: number;
  invalid?: PhaseResult['invalid'];
  checkMs?: number;
}

interface SideDetails {
  label: string;
  url: string;
  phases: PhaseRow[];
  ceiling?: CeilingResult[];
  recoveries?: Recovery[];
  crashes?: string[];
  oom?: string[];
}

export interface ShardSuite {
  index: number;
  result: SuiteResult;
}

function phaseOf(row: PhaseRow, shard: number, suite: string): PhaseResult {
  if (row.sent === undefined || row.checked === undefined || row.invalid === undefined) {
    throw new Error(`shard ${shard}, suite ${suite}: its ${row.phase} phase carries no request accounting (sent, checked, invalid): an older embedgate wrote it; run every shard with this version`);
  }
  const open = row.uncorrectedHistogram !== undefined;
  return {
    name: row.phase,
    connections: row.connections,
    ...(row.rate !== undefined ? { rate: row.rate } : {}),
    wallMs: row.wallMs,
    requests: row.requests,
    sent: row.sent,
    answered: row.answered ?? 0,
    late: row.late ?? 0,
    graceMs: row.graceMs ?? 0,
    ok: row.ok,
    throughputRps: row.throughputRps,
    offeredRps: row.offeredRps,
    latency: LatencyHistogram.decode(open ? row.uncorrectedHistogram! : row.histogram),
    ...(open ? { corrected: LatencyHistogram.decode(row.histogram) } : {}),
    statusCodes: row.statusCodes,
    errors: row.errors,
    rejected: row.rejected,
    rejectedWithoutRetryAfter: row.rejectedWithoutRetryAfter,
    checked: row.checked,
    invalid: row.invalid,
    checkMs: row.checkMs ?? 0,
    generator: row.generator,
    ...(row.targetCpuCores ? { targetCpu: row.targetCpuCores } : {}),
    nextIndex: 0,
  };
}

const add = (a: Record<string, number>, b: Record<string, number | undefined>) => {
  for (const [k, v] of Object.entries(b)) if (v !== undefined) a[k] = (a[k] ?? 0) + v;
  return a;
};

/** The same phase round as run by several shards at once: one phase with everything added up. */
export function mergePhases(parts: readonly PhaseResult[]): PhaseResult {
  const latency = new LatencyHistogram();
  const corrected = parts.some((p) => p.corrected) ? new LatencyHistogram() : undefined;
  for (const p of parts) {
    latency.merge(p.latency);
    if (corrected && p.corrected) corrected.merge(p.corrected);
  }
  const sum = (f: (p: PhaseResult) => number) => parts.reduce((a, p) => a + f(p), 0);
  const max = (f: (p: PhaseResult) => number) => Math.max(0, ...parts.map(f));
  const rates = parts.filter((p) => p.rate !== undefined);
  const cpu: Record<string, number> = {};
  for (const p of parts) for (const [who, c] of Object.entries(p.targetCpu ?? {})) cpu[who] = Math.max(cpu[who] ?? 0, c); // one target, seen by each shard
  const invalid = { total: sum((p) => p.invalid.total), byReason: {} as Record<string, number> };
  for (const p of parts) add(invalid.byReason, p.invalid.byReason);
  return {
    name: parts[0]!.name,
    connections: sum((p) => p.connections),
    ...(rates.length ? { rate: sum((p) => p.rate ?? 0) } : {}),
    wallMs: max((p) => p.wallMs),
    requests: sum((p) => p.requests),
    sent: sum((p) => p.sent),
    answered: sum((p) => p.answered),
    late: sum((p) => p.late),
    graceMs: max((p) => p.graceMs),
    ok: sum((p) => p.ok),
    throughputRps: sum((p) => p.throughputRps),
    offeredRps: sum((p) => p.offeredRps),
    latency,
    ...(corrected ? { corrected } : {}),
    statusCodes: parts.reduce((a, p) => add(a, p.statusCodes), {} as Record<string, number>),
    errors: parts.reduce((a, p) => add(a, p.errors as unknown as Record<string, number>), { status: 0, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0 } as Record<string, number>) as unknown as ErrorCounts,
    rejected: sum((p) => p.rejected),
    rejectedWithoutRetryAfter: sum((p) => p.rejectedWithoutRetryAfter),
    checked: sum((p) => p.checked),
    invalid,
    // Each shard is its own generator: the busiest one is what saturation and check cost mean.
    checkMs: max((p) => p.checkMs),
    generator: {
      cpuCores: max((p) => p.generator.cpuCores),
      eventLoopUtilization: max((p) => p.generator.eventLoopUtilization),
      saturated: parts.some((p) => p.generator.saturated),
    },
    ...(Object.keys(cpu).length ? { targetCpu: cpu } : {}),
    nextIndex: 0,
  };
}

const value = (m: Metrics | undefined, name: string) => m?.[name]?.value;

/** One side (target, compare or reference) over all shards, as summarise wants it. */
function mergeSide(shards: readonly ShardSuite[], side: 'target' | 'compare' | 'reference', suite: string): { m: SideMeasurements; byShard: Map<number, SideDetails> } | undefined {
  const byShard = new Map<number, SideDetails>();
  for (const s of shards) {
    const d = (s.result.details as Record<string, SideDetails | undefined> | undefined)?.[side];
    if (d?.phases) byShard.set(s.index, d);
  }
  if (byShard.size === 0) return undefined;
  const phases = new Map<string, PhaseResult[]>();
  // Round k of a phase is the k-th row of that name on every shard that ran it.
  const rounds = new Map<string, PhaseResult[][]>();
  for (const [index, d] of byShard) {
    const seen = new Map<string, number>();
    for (const row of d.phases) {
      const k = seen.get(row.phase) ?? 0;
      seen.set(row.phase, k + 1);
      const list = rounds.get(row.phase) ?? rounds.set(row.phase, []).get(row.phase)!;
      (list[k] ??= []).push(phaseOf(row, index, suite));
    }
  }
  for (const [name, list] of rounds) phases.set(name, list.map(mergePhases));
  const metricsOf = (index: number) => {
    const r = shards.find((s) => s.index === index)!.result;
    return side === 'target' ? r.metrics : side === 'compare' ? r.baselineMetrics : r.referenceMetrics;
  };
  const all = [...byShard.keys()].map(metricsOf);
  const peak = (name: string) => Math.max(0, ...all.map((m) => value(m, name) ?? 0));
  const hasMemory = all.some((m) => value(m, 'memory.rss.peak') !== undefined);
  const capacities = all.map((m) => value(m, 'overload.capacity.rps')).filter((v): v is number => v !== undefined);
  const first = byShard.values().next().value!;
  const cache = value(all[0], 'cache.hit_rate');
  return {
    byShard,
    m: {
      label: first.label,
      url: first.url,
      phases,
      recoveries: [...byShard.values()].flatMap((d) => d.recoveries ?? []),
      ceilings: [...byShard.values()].flatMap((d) => d.ceiling ?? []),
      ...(capacities.length ? { capacity: capacities.reduce((a, b) => a + b, 0) } : {}),
      ...(hasMemory ? { memory: { peaks: { rss: peak('memory.rss.peak'), anon: peak('memory.anon.peak'), file: peak('memory.file.peak'), samples: all.reduce((a, m) => a + (value(m, 'memory.samples') ?? 0), 0) }, byPid: {} } } : {}),
      ...(cache !== undefined ? { cacheHitRate: cache } : {}),
      crashes: { count: peak('overload.crashes'), lines: [...byShard.values()].flatMap((d) => d.crashes ?? []) },
      oom: [...byShard.values()].flatMap((d) => d.oom ?? []),
      oomWatched: all.some((m) => value(m, 'memory.oom') !== undefined),
    },
  };
}

export interface MergedLoad {
  target: SideSummary;
  compare?: SideSummary;
  reference?: SideSummary;
  unmeasured: { self?: Record<string, string>; baseline?: Record<string, string>; reference?: Record<string, string>; ceiling?: Record<string, string> };
}

export function mergeLoadSuite(shards: readonly ShardSuite[], saturationCores: number): MergedLoad {
  const suite = shards[0]!.result.name;
  const t = mergeSide(shards, 'target', suite);
  if (!t) throw new Error(`suite ${suite}: no shard has per-phase results for its target (details.target.phases), so there is nothing to merge`);
  const c = mergeSide(shards, 'compare', suite);
  const r = mergeSide(shards, 'reference', suite);
  const target = summarise(t.m, saturationCores);
  const compare = c ? summarise(c.m, saturationCores) : undefined;
  const reference = r ? summarise(r.m, saturationCores) : undefined;
  if (c) Object.assign(target.metrics, pairRatios(t.m.phases.get('closed') ?? [], c.m.phases.get('closed') ?? []));
  if (r) Object.assign(target.metrics, pairRatios(t.m.phases.get('closed') ?? [], r.m.phases.get('closed') ?? [], 'reference'));
  // As in the runner: a throughput the generator limited is no throughput of the target, nor its ratios.
  for (const name of Object.keys({ ...target.unmeasured, ...compare?.unmeasured })) if (name.startsWith('throughput')) delete target.metrics[name];
  const unmeasured: MergedLoad['unmeasured'] = {};
  if (Object.keys(target.unmeasured).length) unmeasured.self = target.unmeasured;
  if (compare && Object.keys(compare.unmeasured).length) unmeasured.baseline = compare.unmeasured;
  if (reference && Object.keys(reference.unmeasured).length) unmeasured.reference = reference.unmeasured;
  if (!target.ceiling) unmeasured.ceiling = Object.fromEntries(Object.keys(CEILING_METRICS).map((n) => [n, 'sharded runs drive an http target, which has no in-process ceiling to measure']));
  return { target, ...(compare ? { compare } : {}), ...(reference ? { reference } : {}), unmeasured };
}
