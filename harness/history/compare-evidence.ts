// What a run holds about one metric besides its single value: the bench calls behind a bench
// task's percentiles (kept as HDR histograms in the suite's details), or the per-window values of
// a suite that reports windows. These are what tell a change from noise within one run.
import type { JsHistogram } from 'hdr-histogram-js';
import { LatencyHistogram } from '../metrics/latency.ts';
import type { SuiteResult } from '../result.ts';
import type { Statistic } from './bootstrap-ratio.ts';
import type { LoadedRun } from './compare-load.ts';
import { loadRoundValues } from './load-evidence.ts';

export type Evidence =
  | { kind: 'samples'; values: number[]; stat: Statistic; what: string }
  | { kind: 'windows'; values: number[]; /** What each value is of, 'windows' unless said: a load suite's 'rounds'. */ what?: string };

const PERCENTILE: Record<string, Statistic> = {
  p50: { percentile: 50 },
  p90: { percentile: 90 },
  p95: { percentile: 95 },
  p99: { percentile: 99 },
  p99_9: { percentile: 99.9 },
  max: { percentile: 100 },
  min: { percentile: 0 },
  mean: 'mean',
};

interface BenchTask {
  task: string;
  histogram: string;
}

const isTaskList = (v: unknown): v is BenchTask[] =>
  Array.isArray(v) && v.every((t) => t !== null && typeof t === 'object' && typeof (t as BenchTask).task === 'string' && typeof (t as BenchTask).histogram === 'string');

/** Every recorded call in ms, from an encoded HDR histogram (to its 3 significant digits). */
export function histogramSamples(encoded: string): number[] {
  const h = LatencyHistogram.decode(encoded).histogram as unknown as JsHistogram;
  const out: number[] = [];
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    const ms = Math.min(v.valueIteratedTo, h.maxValue) / 1000;
    for (let i = 0; i < v.countAtValueIteratedTo; i++) out.push(ms);
  }
  return out;
}

/** `single.latency.p95` → the bench task "single"'s calls and their 95th percentile; `baseline.` reads the compare target's. */
function benchEvidence(suite: SuiteResult, name: string): Evidence | undefined {
  const side = name.startsWith('baseline.') ? 'baseline' : 'target';
  const bare = side === 'baseline' ? name.slice('baseline.'.length) : name;
  const block = suite.details?.[side] as { tasks?: unknown } | undefined;
  if (!block || !isTaskList(block.tasks)) return undefined;
  const m = /^([^.]+)\.(?:latency\.(\w+)|(throughput))$/.exec(bare);
  if (!m) return undefined;
  const task = block.tasks.find((t) => t.task === m[1]);
  if (!task) return undefined;
  const stat = m[3] ? 'rate' : PERCENTILE[m[2]!];
  if (!stat) return undefined;
  return { kind: 'samples', values: histogramSamples(task.histogram), stat, what: 'bench calls' };
}

function windowEvidence(run: LoadedRun, suite: SuiteResult, name: string): Evidence | undefined {
  const sides = run.windows.get(suite.name);
  if (!sides) return undefined;
  const baseline = name.startsWith('baseline.');
  const windows = baseline ? sides.baseline : sides.target;
  const bare = baseline ? name.slice('baseline.'.length) : name;
  const values = windows.flatMap((w) => (w.metrics[bare] && Number.isFinite(w.metrics[bare]!.value) ? [w.metrics[bare]!.value] : []));
  return values.length > 0 ? { kind: 'windows', values } : undefined;
}

export function evidenceFor(run: LoadedRun, suite: SuiteResult, name: string): Evidence | undefined {
  const rounds = loadRoundValues(suite, name);
  return benchEvidence(suite, name) ?? (rounds ? { kind: 'windows', values: rounds, what: 'rounds' } : undefined) ?? windowEvidence(run, suite, name);
}
