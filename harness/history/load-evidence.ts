// What a load suite holds about one of its metrics besides the run's value: the same figure of
// each round (details.target.phases / details.compare.phases, one row per phase and round). Rounds
// are separate stretches of time, interleaved with the compare target's (A B A B), so their spread
// is the run's own noise; `embedgate compare` ranks them as it ranks windows.
import type { SuiteResult } from '../result.ts';

/** The phase whose rows hold a metric, by the metric's prefix (load/summarise.ts names them so). */
const PHASE_BY_PREFIX: Record<string, string> = { '': 'closed', 'sequential.': 'sequential', 'open.': 'open', 'overload.': 'overload' };
const LATENCY_KEYS = new Set(['p50', 'p90', 'p95', 'p99', 'p99_9', 'max']);

interface PhaseRow {
  phase: string;
  throughputRps?: number;
  latencyMs?: Record<string, number>;
}

const isRows = (v: unknown): v is PhaseRow[] => Array.isArray(v) && v.every((r) => r !== null && typeof r === 'object' && typeof (r as PhaseRow).phase === 'string');

/** `throughput.rps`, `latency.p95`, `open.latency.p99`, `baseline.sequential.latency.p50`, … → each round's value. */
export function loadRoundValues(suite: SuiteResult, name: string): number[] | undefined {
  if (suite.kind !== 'load') return undefined;
  const baseline = name.startsWith('baseline.');
  const bare = baseline ? name.slice('baseline.'.length) : name;
  const m = /^((?:sequential|open|overload)\.)?(?:(throughput)\.rps|latency\.(\w+))$/.exec(bare);
  if (!m || (m[3] && !LATENCY_KEYS.has(m[3]))) return undefined;
  const phase = PHASE_BY_PREFIX[m[1] ?? '']!;
  const rows = (suite.details?.[baseline ? 'compare' : 'target'] as { phases?: unknown } | undefined)?.phases;
  if (!isRows(rows)) return undefined;
  const values = rows.filter((r) => r.phase === phase).map((r) => (m[2] ? r.throughputRps : r.latencyMs?.[m[3]!]));
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return finite.length > 0 ? finite : undefined;
}
