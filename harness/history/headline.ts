// A suite's headline metrics: the ones its checks judge (the suite's author chose them), then the
// usual summary numbers (p50/p95/p99 latency, throughput, nDCG@10), at most MAX_HEADLINE of them.
// History stores only these, so a line stays small whatever a kind measures.
import type { MetricValue, SuiteResult } from '../result.ts';

export const MAX_HEADLINE = 12;

/** Names that summarise a suite when its checks name fewer than MAX_HEADLINE metrics. */
const SUMMARY = /(^|\.)(latency\.(p50|p95|p99)|throughput|ndcg_at_10|recall_at_10|cosine\.min|error_rate|errors?)$/;

/** The suite's metrics as one map: its own by name, its compare target's as `baseline.<name>` (as checks read them). */
export function allMetrics(suite: SuiteResult): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = { ...suite.metrics };
  for (const [name, value] of Object.entries(suite.baselineMetrics ?? {})) out[`baseline.${name}`] = value;
  return out;
}

/** Metric names a check's source mentions, in order, that the suite measured. */
function namesInChecks(suite: SuiteResult, known: Record<string, MetricValue>): string[] {
  const out: string[] = [];
  for (const check of suite.checks) {
    for (const token of check.source.match(/[A-Za-z_][\w.]*/g) ?? []) {
      if (known[token] && !out.includes(token)) out.push(token);
    }
  }
  return out;
}

export function headlineMetrics(suite: SuiteResult, max = MAX_HEADLINE): Record<string, MetricValue> {
  const known = allMetrics(suite);
  const names = namesInChecks(suite, known);
  for (const name of Object.keys(known)) {
    if (names.length >= max) break;
    if (SUMMARY.test(name) && !names.includes(name)) names.push(name);
  }
  const out: Record<string, MetricValue> = {};
  for (const name of names.slice(0, max)) {
    const m = known[name]!;
    if (Number.isFinite(m.value)) out[name] = m;
  }
  return out;
}
