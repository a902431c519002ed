// Run(s) A against run(s) B, suite by suite (matched by name) and metric by metric, each with the
// verdict of compare-verdict.ts. Says when a suite ran against other models in B than in A, since
// then a change is the models', not the code's or the machine's.
import type { SuiteOutcome } from '../result.ts';
import { allMetrics } from './headline.ts';
import { evidenceFor, type Evidence } from './compare-evidence.ts';
import type { LoadedRun } from './compare-load.ts';
import { compareMetric, type CompareVerdict, type MetricComparison } from './compare-verdict.ts';
import { suiteModels } from './models.ts';
import { sortMetricNames } from '../report/format.ts';

export interface SuiteComparison {
  suite: string;
  kind: string;
  outcomes: { a: SuiteOutcome[]; b: SuiteOutcome[] };
  /** Empty when both sides ran the suite on the same model files. */
  modelsDiffer: string[];
  metrics: MetricComparison[];
}

export interface RunSummary {
  dir: string;
  runId: string;
  gate?: number;
  verdict: string;
  finishedAt: string;
}

export interface Comparison {
  a: RunSummary[];
  b: RunSummary[];
  noise: number;
  suites: SuiteComparison[];
  onlyInA: string[];
  onlyInB: string[];
  counts: Record<CompareVerdict, number>;
  /** Reasons to doubt a verdict that the numbers cannot show, e.g. one side ran on a busier machine. */
  warnings: string[];
}

/** Load per core as each side's runs ended (1-minute average); a side without it gives none. */
function loadPerCore(runs: LoadedRun[]): number | undefined {
  const loads = runs.map((r) => (r.report.provenance.loadAverage?.[0] ?? Number.NaN) / Math.max(1, r.report.provenance.machine.availableCores));
  return loads.every(Number.isFinite) ? loads.reduce((s, l) => s + l, 0) / loads.length : undefined;
}

function machineWarnings(a: LoadedRun[], b: LoadedRun[]): string[] {
  const out: string[] = [];
  const hosts = (runs: LoadedRun[]) => new Set(runs.map((r) => `${r.report.provenance.machine.hostname} (${r.report.provenance.machine.cpuModel})`));
  const ha = hosts(a);
  const hb = hosts(b);
  if ([...ha].join() !== [...hb].join()) out.push(`the sides ran on different machines (A: ${[...ha].join(', ')}; B: ${[...hb].join(', ')}): speed differences may be the machines'`);
  const la = loadPerCore(a);
  const lb = loadPerCore(b);
  // Other work on the cores slows every target alike; a run on a machine twice as busy is not evidence about the code.
  if (la !== undefined && lb !== undefined && Math.max(la, lb) >= 1 && Math.max(la, lb) >= 1.5 * Math.min(la, lb)) {
    const busier = lb > la ? 'B' : 'A';
    out.push(`run ${busier} ended on a busier machine (load ${Math.max(la, lb).toFixed(1)} per core against ${Math.min(la, lb).toFixed(1)}): a change in speed may be the machine's, not the code's; re-run both on a quiet machine`);
  }
  return out;
}

const summary = (r: LoadedRun): RunSummary => ({
  dir: r.dir,
  runId: r.report.runId,
  ...(r.report.gate ? { gate: r.report.gate.number } : {}),
  verdict: r.report.verdict,
  finishedAt: r.report.finishedAt,
});

const suiteNames = (runs: LoadedRun[]): string[] => [...new Set(runs.flatMap((r) => r.report.suites.map((s) => s.name)))];

/** Pools a side's evidence: only when every run that measured the metric has the same kind of it. */
function pooled(list: (Evidence | undefined)[]): Evidence | undefined {
  if (list.length === 0 || list.some((e) => e === undefined)) return undefined;
  const first = list[0]!;
  if (list.some((e) => e!.kind !== first.kind)) return undefined;
  return { ...first, values: list.flatMap((e) => e!.values) } as Evidence;
}

export function compareRuns(a: LoadedRun[], b: LoadedRun[], noise: number): Comparison {
  const namesA = suiteNames(a);
  const namesB = suiteNames(b);
  const counts: Record<CompareVerdict, number> = { better: 0, worse: 0, 'no change': 0, changed: 0, 'not enough runs': 0, 'not enough data': 0 };
  const suites = namesA.filter((n) => namesB.includes(n)).map((name): SuiteComparison => {
    const of = (runs: LoadedRun[]) => runs.flatMap((run) => run.report.suites.filter((s) => s.name === name).map((suite) => ({ run, suite })));
    const sa = of(a);
    const sb = of(b);
    // A suite that errored before its target opened names no model: it says nothing about which models ran.
    const models = (list: typeof sa) => [...new Set(list.filter((x) => x.suite.outcome !== 'error').map((x) => JSON.stringify(suiteModels(x.suite))))];
    const ma = models(sa);
    const mb = models(sb);
    const modelsDiffer = ma.length <= 1 && mb.length <= 1 && (ma.length === 0 || mb.length === 0 || ma[0] === mb[0]) ? [] : [`A: ${ma.join(' | ')}`, `B: ${mb.join(' | ')}`];
    const names = sortMetricNames(new Set([...sa, ...sb].flatMap((x) => Object.keys(allMetrics(x.suite)))));
    const metrics = names.map((metric) => {
      const side = (list: typeof sa) => {
        const having = list.filter((x) => allMetrics(x.suite)[metric] !== undefined);
        return {
          values: having.map((x) => allMetrics(x.suite)[metric]!.value),
          unit: having[0] ? allMetrics(having[0].suite)[metric]!.unit : undefined,
          evidence: pooled(having.map((x) => evidenceFor(x.run, x.suite, metric))),
        };
      };
      const pa = side(sa);
      const pb = side(sb);
      const result = compareMetric(
        { metric, unit: pa.unit ?? pb.unit ?? 'count', a: pa.values, b: pb.values, ...(pa.evidence ? { evidenceA: pa.evidence } : {}), ...(pb.evidence ? { evidenceB: pb.evidence } : {}) },
        noise,
        `${name}/${metric}`,
      );
      counts[result.verdict]++;
      return result;
    });
    return { suite: name, kind: sa[0]!.suite.kind, outcomes: { a: sa.map((x) => x.suite.outcome), b: sb.map((x) => x.suite.outcome) }, modelsDiffer, metrics };
  });
  return {
    a: a.map(summary),
    b: b.map(summary),
    noise,
    suites,
    onlyInA: namesA.filter((n) => !namesB.includes(n)),
    onlyInB: namesB.filter((n) => !namesA.includes(n)),
    counts,
    warnings: machineWarnings(a, b),
  };
}
