// The merged report of a sharded run. A load suite is merged from every shard (merge-load.ts) and
// its checks are judged on the merged metrics with the same evaluator as a run; a suite that cannot
// be split is shard 0's result; a retrieval suite is ranked and scored on the union of the shards'
// vectors (merge-retrieval.ts). A missing or failed shard leaves the suites it ran inconclusive,
// naming it; a shard whose start skewed beyond the bound gets a warning.
import type { PlannedSuiteSummary } from '../events.ts';
import { evaluateCheck } from '../gates/evaluate.ts';
import { parseCheck } from '../gates/parse.ts';
import { judgeRun, judgeSuite } from '../gates/verdict.ts';
import { REPORT_SCHEMA_VERSION, type CheckResult, type Metrics, type RunReport, type SuiteResult } from '../result.ts';
import type { Collected, Shard } from './collect.ts';
import { mergeLoadSuite } from './merge-load.ts';
import { mergeRetrievalSuite } from './merge-retrieval.ts';
import { SHARDED_KINDS } from './split.ts';

/** The load kind's default saturation bound, for results whose details do not state theirs. */
const SATURATION_CORES = 0.9;

export interface ShardRow {
  shard: string;
  host: string;
  dir: string;
  plannedStart: string;
  startedAt: string;
  skewMs: number;
  status: string;
  requestsSent: number;
  requestsAnswered: number;
  errors: number;
  responsesChecked: number;
}

export interface Merged {
  report: RunReport;
  rows: ShardRow[];
  /** Start skews beyond the bound, and starts planned for different instants. */
  warnings: string[];
  /** What makes the run inconclusive: shards missing or failed, by name. */
  problems: string[];
}

const sumOf = (results: SuiteResult[], name: string) => results.reduce((a, r) => a + (r.metrics[name]?.value ?? 0), 0);

function shardRow(s: Shard): ShardRow {
  const load = (s.report?.suites ?? []).filter((r) => (SHARDED_KINDS as readonly string[]).includes(r.kind));
  return {
    shard: `${s.meta.index}/${s.meta.count}`,
    host: s.meta.host,
    dir: s.dir,
    plannedStart: s.meta.plannedStart,
    startedAt: s.meta.startedAt,
    skewMs: s.meta.skewMs,
    status: s.failed ? 'failed' : s.report!.status,
    requestsSent: sumOf(load, 'requests.sent'),
    requestsAnswered: sumOf(load, 'requests.answered'),
    errors: sumOf(load, 'errors.total'),
    responsesChecked: sumOf(load, 'responses.checked'),
  };
}

function notJudged(plan: PlannedSuiteSummary | undefined, why: string): CheckResult[] {
  return (plan?.checks ?? []).map((c) => ({ source: c.source, status: 'inconclusive', operator: c.operator, detail: `not judged: ${why}`, ...(c.position ? { position: c.position } : {}), ...(c.implicit ? { implicit: true } : {}) }) as CheckResult);
}

/** A load suite over all shards, judged on the merged data. */
function mergedLoad(name: string, plan: PlannedSuiteSummary | undefined, shards: Shard[], problems: string[], machine: Metrics): SuiteResult {
  const parts = shards.flatMap((s) => {
    const result = s.report!.suites.find((r) => r.name === name);
    return result ? [{ index: s.meta.index, result }] : [];
  });
  const base = parts[0]?.result;
  if (!base) return { name, kind: plan?.kind ?? 'load', file: plan?.file ?? '', fileSha256: plan?.fileSha256 ?? '', target: { ref: '?', kind: '?' }, outcome: 'inconclusive', reason: 'no shard ran this suite', metrics: {}, checks: notJudged(plan, 'no shard ran this suite'), startedAt: '', durationMs: 0 };
  const broken = parts.filter((p) => p.result.outcome === 'error' || !p.result.details);
  const common = { name, kind: base.kind, file: base.file, fileSha256: base.fileSha256, target: base.target, ...(base.compare ? { compare: base.compare } : {}), startedAt: parts.map((p) => p.result.startedAt).sort()[0]!, durationMs: Math.max(...parts.map((p) => p.result.durationMs)) };
  const why = [...problems, ...broken.map((p) => `shard ${p.index} could not run suite ${name}: ${p.result.reason ?? 'no results'}`)];
  if (why.length || broken.length === parts.length) {
    return { ...common, outcome: 'inconclusive', reason: why.join('; '), metrics: {}, checks: notJudged(plan, why.join('; ')) };
  }
  const settings = (base.details as { settings?: { saturationCores?: number } } | undefined)?.settings;
  const merged = mergeLoadSuite(parts, settings?.saturationCores ?? SATURATION_CORES);
  const checks = (plan?.checks ?? []).map((c): CheckResult => {
    if (c.window) return { source: c.source, status: 'inconclusive', operator: c.operator, detail: 'load suites emit no windows', ...(c.position ? { position: c.position } : {}) } as CheckResult;
    return {
      ...evaluateCheck(parseCheck(c.source), {
        self: merged.target.metrics,
        ...(merged.compare ? { baseline: merged.compare.metrics } : {}),
        machine,
        ...(merged.target.ceiling ? { ceiling: merged.target.ceiling } : {}),
        ...(merged.reference ? { reference: merged.reference.metrics } : {}),
        unmeasured: merged.unmeasured,
      }),
      source: c.source,
      ...(c.position ? { position: c.position } : {}),
      ...(c.implicit ? { implicit: true } : {}),
    };
  });
  const judged = judgeSuite(checks);
  return {
    ...common,
    outcome: judged.outcome,
    ...(judged.reason ? { reason: judged.reason } : {}),
    metrics: merged.target.metrics,
    ...(merged.compare ? { baselineMetrics: merged.compare.metrics } : {}),
    ...(merged.reference ? { referenceMetrics: merged.reference.metrics } : {}),
    checks,
    details: {
      shards: parts.map((p) => ({ shard: p.index, outcome: p.result.outcome, 'requests.sent': p.result.metrics['requests.sent']?.value, 'errors.total': p.result.metrics['errors.total']?.value, 'throughput.rps': p.result.metrics['throughput.rps']?.value, 'latency.p99': p.result.metrics['latency.p99']?.value })),
      settings: { ...settings, connections: (parts.map((p) => (p.result.details as { settings?: { connections?: number } }).settings?.connections ?? 0)).reduce((a, b) => a + b, 0), shards: parts.length },
      merge: 'counts added over shards; latency percentiles from the union of the shards\' HDR histograms; throughput added (the shards ran each phase at the same time); sequential from shard 0 alone',
      target: merged.target.details,
      ...(merged.compare ? { compare: merged.compare.details } : {}),
      ...(merged.reference ? { reference: merged.reference.details } : {}),
    },
  };
}

export function mergeShards(collected: Collected, opts: { runId: string; maxSkewMs: number; argv: string[] }): Merged {
  const { shards, missing, count } = collected;
  const problems = [
    ...missing.map((i) => `shard ${i} of ${count} missing (no run directory with index ${i})`),
    ...shards.flatMap((s) => (s.failed ? [s.failed] : [])),
  ];
  const warnings: string[] = [];
  for (const s of shards) {
    if (Math.abs(s.meta.skewMs) > opts.maxSkewMs) warnings.push(`shard ${s.meta.index} of ${count} (${s.meta.host}) started ${(s.meta.skewMs / 1000).toFixed(3)} s after the planned instant, beyond the bound of ${(opts.maxSkewMs / 1000).toFixed(3)} s: its phases did not line up with the others'`);
  }
  const planned = new Set(shards.map((s) => s.meta.plannedStart));
  if (planned.size > 1) warnings.push(`the shards were told different start instants (${[...planned].join(', ')}): give every shard the same --start-at`);

  const shard0 = shards.find((s) => s.meta.index === 0 && s.report);
  // collectShards made sure one shard at least began its run.
  const lead = (shard0 ?? shards.find((s) => s.report)!) as Shard & Required<Pick<Shard, 'report' | 'start'>>;
  // Shard 0 lists every suite; the others list only those they split.
  const plans = new Map<string, PlannedSuiteSummary>();
  for (const s of [lead, ...shards]) for (const p of s.start?.suites ?? []) if (!plans.has(p.name)) plans.set(p.name, p);
  const machineOf = lead.report.provenance.machine;
  const machine: Metrics = { memory: { value: machineOf.memoryBytes, unit: 'bytes' }, cores: { value: machineOf.availableCores, unit: 'count' } };
  const healthy = shards.filter((s) => !s.failed);
  const partial = new Set(shards.flatMap((s) => s.meta.partial ?? []));
  const suites: SuiteResult[] = [...plans.values()].map((plan) => {
    if ((SHARDED_KINDS as readonly string[]).includes(plan.kind)) return mergedLoad(plan.name, plan, healthy, problems, machine);
    if (partial.has(plan.name)) return mergeRetrievalSuite(plan.name, plan, healthy, problems, machine);
    const whole = shard0?.report!.suites.find((r) => r.name === plan.name);
    if (whole && !shard0?.failed) return whole;
    const why = shard0 ? (shard0.failed ?? `shard 0 did not run suite ${plan.name}`) : `shard 0 of ${count}, which runs suite ${plan.name} whole, is missing`;
    return { name: plan.name, kind: plan.kind, file: plan.file, fileSha256: plan.fileSha256 ?? '', target: { ref: '?', kind: '?' }, outcome: 'inconclusive', reason: why, metrics: {}, checks: notJudged(plan, why), startedAt: lead.report.startedAt, durationMs: 0 };
  });

  // The skew warnings go with each merged suite too, so report.json and report.html carry them.
  if (warnings.length) for (const s of suites) if (s.details?.['shards']) s.details['warnings'] = warnings;
  const gate = lead.report.gate;
  const judged = judgeRun(suites, gate?.needs ?? []);
  const reason = problems.length && judged.verdict !== 'fail' ? `${problems.join('; ')}; ${judged.reason}` : judged.reason;
  const verdict = problems.length && judged.verdict === 'pass' ? 'inconclusive' : judged.verdict;
  const startedAt = shards.flatMap((s) => (s.report ? [s.report.startedAt] : [])).sort()[0]!;
  const finishedAt = shards.flatMap((s) => (s.report ? [s.report.finishedAt] : [])).sort().at(-1)!;
  const report: RunReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: opts.runId,
    startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    status: 'completed',
    verdict,
    exitCode: verdict === judged.verdict ? judged.exitCode : 3,
    reason,
    ...(gate ? { gate: { ...gate, missingKinds: judged.missingKinds } } : {}),
    provenance: { ...lead.report.provenance, argv: opts.argv },
    suites,
    harnessErrors: [],
  };
  return { report, rows: shards.map(shardRow), warnings, problems };
}
