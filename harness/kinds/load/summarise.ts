// One side's metrics, `unmeasured` reasons, ceiling metrics and details, from what it measured.
// Pure: the phases, recoveries and ceilings come in as data (see SideMeasurements).
import { INVALID_REASONS } from '../../http-client/answer-check.ts';
import { errorTotal, type PhaseResult } from '../../http-client/phase.ts';
import { LatencyHistogram } from '../../metrics/latency.ts';
import { mean, median } from '../../metrics/statistics.ts';
import type { Metrics } from '../../result.ts';
import { metricWriter } from '../catalog.ts';
import { CEILING_METRICS, LOAD_METRICS } from './metrics.ts';
import type { SideMeasurements } from './side-run.ts';

export interface SideSummary {
  metrics: Metrics;
  /** Metric → why it was left out. */
  unmeasured: Record<string, string>;
  /** The `ceiling.` scope, when the side measured an in-process ceiling. */
  ceiling?: Metrics;
  details: Record<string, unknown>;
}

/** Metrics a saturated load generator makes meaningless: its limit, not the target's. */
const GENERATOR_BOUND = ['throughput.rps', 'sequential.throughput.rps', 'throughput.ratio_to_sequential', 'throughput.rps.vs_baseline', 'throughput.share_of_ceiling'] as const;

function merged(results: readonly PhaseResult[], corrected = false): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const r of results) h.merge(corrected && r.corrected ? r.corrected : r.latency);
  return h;
}

export function summarise(m: SideMeasurements, saturationCores: number): SideSummary {
  const out = metricWriter(LOAD_METRICS);
  const { put } = out;
  const unmeasured: Record<string, string> = {};
  const list = (name: string) => m.phases.get(name) ?? [];
  const seq = list('sequential');
  const closed = list('closed');
  const open = list('open');
  const overload = list('overload');

  if (seq.length) {
    put('sequential.throughput.rps', mean(seq.map((r) => r.throughputRps)));
    out.putAll(merged(seq).toMetrics('sequential'));
  }
  if (closed.length) {
    put('throughput.rps', mean(closed.map((r) => r.throughputRps)));
    const cpu = closed.flatMap((r) => (r.targetCpu ? [Object.values(r.targetCpu).reduce((a, b) => a + b, 0)] : []));
    if (cpu.length) put('target.cpu.cores', mean(cpu));
    out.putAll(merged(closed).toMetrics(''));
    if (seq.length) put('throughput.ratio_to_sequential', out.value('throughput.rps')! / out.value('sequential.throughput.rps')!);
  }
  if (open.length) {
    put('open.rate', mean(open.map((r) => r.rate ?? 0)));
    put('open.offered.rps', mean(open.map((r) => r.offeredRps)));
    put('open.throughput.rps', mean(open.map((r) => r.throughputRps)));
    out.putAll(merged(open, true).toMetrics('open'));
    const raw = merged(open);
    if (raw.count) put('open.latency_uncorrected.p99', raw.percentileMs(99));
  }
  const counted = [...seq, ...closed, ...open];
  if (counted.length) {
    const requests = counted.reduce((a, r) => a + r.requests, 0);
    const sum = (k: keyof PhaseResult['errors']) => counted.reduce((a, r) => a + (r.errors[k] ?? 0), 0);
    const total = counted.reduce((a, r) => a + errorTotal(r.errors), 0);
    put('requests', requests);
    put('errors.total', total);
    put('errors.rate', requests > 0 ? total / requests : undefined);
    for (const k of ['status', 'timeout', 'reset', 'connection', 'lost', 'unanswered'] as const) put(`errors.${k}`, sum(k));
    put('requests.sent', counted.reduce((a, r) => a + r.sent, 0));
    put('requests.answered', counted.reduce((a, r) => a + r.answered, 0));
    put('requests.late', counted.reduce((a, r) => a + r.late, 0));
  }
  if (overload.length) {
    const requests = overload.reduce((a, r) => a + r.requests, 0);
    const rejected = overload.reduce((a, r) => a + r.rejected, 0);
    const failures = overload.reduce((a, r) => a + errorTotal(r.errors), 0) - rejected;
    put('overload.capacity.rps', m.capacity);
    put('overload.rate', mean(overload.map((r) => r.rate ?? 0)));
    put('overload.offered.rps', mean(overload.map((r) => r.offeredRps)));
    put('overload.throughput.rps', mean(overload.map((r) => r.throughputRps)));
    out.putAll(merged(overload, true).toMetrics('overload'));
    put('overload.rejected', rejected);
    put('overload.rejected.rate', requests > 0 ? rejected / requests : undefined);
    put('overload.rejected_without_retry_after', overload.reduce((a, r) => a + r.rejectedWithoutRetryAfter, 0));
    put('overload.failures', failures);
    put('overload.failures.rate', requests > 0 ? failures / requests : undefined);
    put('overload.recovered', m.recoveries.every((r) => r.recovered) ? 1 : 0);
    put('overload.recovery', Math.max(...m.recoveries.map((r) => r.ms)));
  }
  put('overload.crashes', m.crashes.count);

  // Every answer of every phase is checked, overload included: a wrong vector is wrong whenever it comes.
  const checkedIn = [...seq, ...closed, ...open, ...overload];
  if (checkedIn.length) {
    put('responses.checked', checkedIn.reduce((a, r) => a + r.checked, 0));
    put('responses.invalid', checkedIn.reduce((a, r) => a + r.invalid.total, 0));
    for (const reason of INVALID_REASONS) put(`responses.invalid.${reason}`, checkedIn.reduce((a, r) => a + (r.invalid.byReason[reason] ?? 0), 0));
    put('generator.check.cores', Math.max(0, ...checkedIn.map((r) => r.checkMs / (r.wallMs + r.graceMs))));
  }

  const all = [...m.phases.values()].flat();
  put('generator.cpu.peak', Math.max(0, ...all.map((r) => r.generator.cpuCores)));
  const saturated = all.filter((r) => r.generator.saturated && r.name !== 'warmup' && r.name !== 'recovery');
  put('generator.saturated', saturated.length);
  if (saturated.some((r) => r.name === 'sequential' || r.name === 'closed')) {
    const worst = saturated.reduce((a, b) => (b.generator.cpuCores > a.generator.cpuCores ? b : a));
    const why = `the load generator was saturated (${worst.generator.cpuCores.toFixed(2)} cores ≥ ${saturationCores} in phase ${worst.name}): it, not the target, limited throughput`;
    for (const name of GENERATOR_BOUND) {
      out.remove(name);
      unmeasured[name] = why;
    }
  }
  put('cache.hit_rate', m.cacheHitRate);

  if (m.memory) {
    const { peaks } = m.memory;
    put('memory.rss.peak', peaks.rss);
    put('memory.anon.peak', peaks.anon);
    put('memory.file.peak', peaks.file);
    put('memory.heap.peak', peaks.heap);
    put('memory.samples', peaks.samples);
  } else if (m.memoryUnavailable) {
    for (const n of ['memory.rss.peak', 'memory.anon.peak', 'memory.file.peak', 'memory.heap.peak']) unmeasured[n] = m.memoryUnavailable;
  }
  if (m.oomWatched) put('memory.oom', m.oom.length);

  let ceiling: Metrics | undefined;
  if (m.ceilings.length) {
    const rps = median(m.ceilings.map((x) => x.ceilingRps));
    const seqRps = median(m.ceilings.map((x) => x.sequentialRps));
    const c = metricWriter(CEILING_METRICS);
    c.set('throughput.rps', rps);
    c.set('sequential.throughput.rps', seqRps);
    c.set('throughput.ratio_to_sequential', rps / seqRps);
    c.set('contexts', m.ceilings[0]!.contexts);
    ceiling = c.metrics;
    // The same figures under this side's own names, so the report shows them for the baseline too.
    put('inprocess.throughput.rps', rps);
    put('inprocess.sequential.throughput.rps', seqRps);
    put('inprocess.throughput.ratio_to_sequential', rps / seqRps);
    if (out.has('throughput.rps')) put('throughput.share_of_ceiling', out.value('throughput.rps')! / rps);
  }
  return { metrics: out.metrics, unmeasured, ...(ceiling ? { ceiling } : {}), details: sideDetails(m, all) };
}

function phaseRow(r: PhaseResult) {
  const lat = r.corrected ?? r.latency;
  return {
    phase: r.name,
    connections: r.connections,
    ...(r.rate ? { rate: r.rate } : {}),
    wallMs: Math.round(r.wallMs),
    requests: r.requests,
    ok: r.ok,
    throughputRps: r.throughputRps,
    offeredRps: r.offeredRps,
    latencyMs: { p50: lat.percentileMs(50), p90: lat.percentileMs(90), p95: lat.percentileMs(95), p99: lat.percentileMs(99), p99_9: lat.percentileMs(99.9), max: lat.percentileMs(100) },
    ...(r.corrected ? { uncorrectedP99Ms: r.latency.percentileMs(99) } : {}),
    statusCodes: r.statusCodes,
    errors: r.errors,
    rejected: r.rejected,
    rejectedWithoutRetryAfter: r.rejectedWithoutRetryAfter,
    generator: r.generator,
    ...(r.targetCpu ? { targetCpuCores: r.targetCpu } : {}),
    histogram: lat.encode(),
    // The rest is what `embedgate merge` needs to rebuild this phase exactly from several shards.
    ...(r.corrected ? { uncorrectedHistogram: r.latency.encode() } : {}),
    sent: r.sent,
    answered: r.answered,
    late: r.late,
    graceMs: Math.round(r.graceMs),
    checked: r.checked,
    invalid: r.invalid,
    checkMs: r.checkMs,
  };
}

function sideDetails(m: SideMeasurements, all: readonly PhaseResult[]): Record<string, unknown> {
  return {
    label: m.label,
    url: m.url,
    ...(m.serve ? { coldStartMs: Math.round(m.serve.coldStartMs), servePid: m.serve.pid } : {}),
    ...(m.memoryUnavailable ? { memoryUnavailable: m.memoryUnavailable } : {}),
    phases: all.map(phaseRow),
    ceiling: m.ceilings,
    recoveries: m.recoveries,
    crashes: m.crashes.lines,
    oom: m.oom,
    memoryByProcess: m.memory?.byPid,
  };
}
