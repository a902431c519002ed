// The canary's triggers as Prometheus queries over the metrics embedgate serve exposes and
// monitoring/embedgate-rules.yaml alerts on, each with the bounds that pass and fail it, for the
// Argo Rollouts and Flagger exports. Durations are the plan's nightly values (never scaled). Where
// Prometheus cannot say what embedgate's run measures, the query is the nearest server-side sign
// and says so: latency is the ratio of medians sustained over the trigger's duration (embedgate
// itself judges it with a Mann–Whitney U per interval), and corruption is the server's own
// corrupt-cache counter (embedgate's run checks every answer it routes).
import type { CanaryParams, TriggerName } from '../../kinds/canary/params.ts';

export interface TriggerQuery {
  trigger: TriggerName;
  /** PromQL; `{CANARY}` and `{STABLE}` are already replaced by the caller's label matchers. */
  query: string;
  /** The metric passes at or below `max` (or at or above `min`) and fails beyond it. */
  max?: number;
  min?: number;
  note: string;
}

/** A duration as PromQL writes it: 5m, 90s, 250ms. */
export function promDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}

/** Label matchers (without braces) that select the candidate's and the baseline's series. */
export interface Selectors {
  canary: string;
  stable: string;
}

export function triggerQueries(p: CanaryParams, sel: Selectors): TriggerQuery[] {
  const i = promDuration(p.export.interval);
  const job = 'job="embedgate"';
  const c = `${job}, ${sel.canary}`;
  const s = `${job}, ${sel.stable}`;
  const t = p.triggers;
  const requests = `embedgate_http_requests_total{${c}, path="/v1/embeddings"}`;
  const out: TriggerQuery[] = [];
  if (t.errorRate.enabled) {
    out.push({
      trigger: 'error-rate',
      query: `(sum(rate(embedgate_http_requests_total{${c}, path="/v1/embeddings", status=~"5.."}[${i}])) or vector(0)) / sum(rate(${requests}[${i}])) and on() sum(increase(${requests}[${i}])) >= ${t.errorRate.minRequests}`,
      max: t.errorRate.above,
      note: `share of the candidate's embedding requests answered 5xx over each ${i}; fewer than ${t.errorRate.minRequests} requests gives no value (inconclusive)`,
    });
  }
  if (t.memory.enabled) {
    const ratio = (x: string) => `(process_resident_memory_bytes{${x}} + on (job, instance) embedgate_worker_resident_memory_bytes{${x}}) / on (job, instance) embedgate_memory_limit_bytes{${x}}`;
    out.push({
      trigger: 'memory',
      query: `max(min_over_time((${ratio(c)})[${promDuration(t.memory.for)}:]))`,
      max: t.memory.above,
      note: `the candidate's server and worker RSS over its memory limit, at its lowest over ${promDuration(t.memory.for)}: above ${t.memory.above} means above it the whole time (EmbedgateMemoryHigh)`,
    });
  }
  if (t.latency.enabled) {
    const median = (x: string) => `histogram_quantile(0.5, sum by (le) (rate(embedgate_embeddings_request_duration_seconds_bucket{${x}}[${i}])))`;
    out.push({
      trigger: 'latency',
      query: `min_over_time((${median(c)} / ${median(s)})[${promDuration(t.latency.for)}:${i}]) and on() sum(increase(embedgate_embeddings_request_duration_seconds_count{${c}}[${i}])) >= ${t.latency.minRequests}`,
      max: t.latency.ratio,
      note: `candidate median over baseline median latency, at its lowest over ${promDuration(t.latency.for)}; embedgate's own run judges each interval with a one-sided Mann–Whitney U at ${t.latency.confLevel}`,
    });
  }
  if (t.corruption.enabled) {
    out.push({
      trigger: 'corruption',
      query: `sum(increase(embedgate_cache_corrupt_total{${c}}[${i}])) or vector(0)`,
      max: 0,
      note: 'cache entries that failed their checksum at the candidate (EmbedgateCacheCorruption): the server-side sign of corruption; embedgate’s run checks every answer itself',
    });
  }
  if (t.silence.enabled) {
    out.push({
      trigger: 'silence',
      query: `max(max_over_time(up{${c}}[${promDuration(t.silence.for)}])) or vector(0)`,
      min: 1,
      note: `0 when no candidate instance answered a scrape for ${promDuration(t.silence.for)} (EmbedgateDown)`,
    });
  }
  return out;
}
