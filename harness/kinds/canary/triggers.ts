// The plan's rollback triggers, judged on one analysis interval: error rate (every routed request
// accounted for), memory above its share of the limit for long enough, latency above a ratio of the
// baseline's by a one-sided Mann–Whitney U on both sides' per-request latencies for long enough,
// corrupt answers, and /health silence for long enough. Each says fired, quiet, pending (its
// condition holds but not yet for its duration), inconclusive (too little evidence) or off
// (disabled), with why in words. Durations here are already scaled by the suite's timeScale.
import { median } from '../../metrics/statistics.ts';
import type { SideSummary } from '../../canary/side-ledger.ts';
import { mannWhitney } from './mann-whitney.ts';
import type { CanaryParams, TriggerName } from './params.ts';

export type TriggerStatus = 'fired' | 'quiet' | 'pending' | 'inconclusive' | 'off';

export interface TriggerVerdict {
  trigger: TriggerName;
  status: TriggerStatus;
  why: string;
  /** When the condition began (suite clock), for a trigger that fired or is pending. */
  onsetMs?: number;
}

export interface IntervalEvidence {
  startMs: number;
  endMs: number;
  candidate: SideSummary;
  /** Baseline latencies judged against: this interval's, or those of the last interval with enough. */
  baselineLatencies: { values: number[]; from: string } | undefined;
  memory: { aboveSinceMs: number | undefined; lastRss: number | undefined; limitBytes: number; unavailable?: string };
  silence: { silentForMs: number; lastAnswerMs: number | undefined; everAnswered: boolean };
  /** Start of the latest fault injected so far: the onset of what it causes. */
  faultStartMs?: number;
}

/** What the judge keeps from one interval to the next. */
export interface TriggerState {
  latencySlowSinceMs?: number;
  /** Whole intervals in a row judged slower than the ratio. */
  latencySlowIntervals?: number;
}

export interface ScaledDurations {
  /** The analysis interval (not scaled): the latency trigger counts its duration in whole intervals. */
  intervalMs: number;
  memoryMs: number;
  latencyMs: number;
  silenceMs: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;

function errorRate(t: CanaryParams['triggers']['errorRate'], e: IntervalEvidence): TriggerVerdict {
  const c = e.candidate;
  const onset = e.faultStartMs ?? e.startMs;
  if (c.ended >= t.minRequests) {
    const rate = c.errors / c.ended;
    const line = `${c.errors} of ${c.ended} candidate requests without a 2xx answer (${pct(rate)}; ${c.status} non-2xx, ${c.failures.timeout} timeouts, ${c.failures.reset} resets, ${c.failures.connection} refused, ${c.failures['client-gone']} given up)`;
    return rate > t.above ? { trigger: 'error-rate', status: 'fired', why: `${line} > ${pct(t.above)}`, onsetMs: onset } : { trigger: 'error-rate', status: 'quiet', why: `${line} ≤ ${pct(t.above)}` };
  }
  // Too few to judge a rate, unless the failures alone already exceed it at the minimum count.
  if (c.errors > t.above * t.minRequests) return { trigger: 'error-rate', status: 'fired', why: `${c.errors} of only ${c.ended} candidate requests failed: more than ${pct(t.above)} of even ${t.minRequests}`, onsetMs: onset };
  return { trigger: 'error-rate', status: 'inconclusive', why: `${c.ended} candidate requests ended (${c.errors} failed); at least ${t.minRequests} are needed` };
}

function latency(t: CanaryParams['triggers']['latency'], e: IntervalEvidence, state: TriggerState, holdMs: number, intervalMs: number): TriggerVerdict {
  const c = e.candidate.latencies;
  const b = e.baselineLatencies;
  if (c.length < t.minRequests || !b || b.values.length < t.minRequests) {
    state.latencySlowSinceMs = undefined;
    state.latencySlowIntervals = 0;
    return { trigger: 'latency', status: 'inconclusive', why: `${c.length} candidate and ${b?.values.length ?? 0} baseline 2xx answers; at least ${t.minRequests} each are needed` };
  }
  const mw = mannWhitney(c, b.values, t.ratio);
  const alpha = 1 - t.confLevel;
  const ratio = median(c) / median(b.values);
  const line = `candidate median ${median(c).toFixed(1)} ms vs baseline ${median(b.values).toFixed(1)} ms (${ratio.toFixed(2)}×, baseline from ${b.from}; Mann–Whitney n=${c.length}/${b.values.length}, p(above ${t.ratio}×)=${mw.pAbove.toPrecision(2)}, p(within)=${mw.pBelow.toPrecision(2)})`;
  if (mw.pAbove < alpha) {
    state.latencySlowSinceMs ??= e.startMs;
    state.latencySlowIntervals = (state.latencySlowIntervals ?? 0) + 1;
    // Whole intervals, so a late timer never makes the trigger fire early.
    const held = state.latencySlowIntervals * intervalMs;
    const onset = e.faultStartMs ?? state.latencySlowSinceMs;
    if (held >= holdMs) return { trigger: 'latency', status: 'fired', why: `${line}: above ${t.ratio}× for ${s(held)} ≥ ${s(holdMs)}`, onsetMs: onset };
    return { trigger: 'latency', status: 'pending', why: `${line}: above ${t.ratio}× for ${s(held)}, fires at ${s(holdMs)}`, onsetMs: onset };
  }
  state.latencySlowSinceMs = undefined;
  state.latencySlowIntervals = 0;
  if (mw.pBelow < alpha) return { trigger: 'latency', status: 'quiet', why: `${line}: within ${t.ratio}× at ${t.confLevel} confidence` };
  return { trigger: 'latency', status: 'inconclusive', why: `${line}: neither above nor within ${t.ratio}× at ${t.confLevel} confidence` };
}

function corruption(e: IntervalEvidence): TriggerVerdict {
  const c = e.candidate;
  if (c.invalid > 0) {
    const reasons = Object.entries(c.invalidByReason).map(([r, n]) => `${n} ${r}`).join(', ');
    return { trigger: 'corruption', status: 'fired', why: `${c.invalid} of ${c.checked} checked candidate answers were wrong (${reasons})`, onsetMs: e.faultStartMs ?? e.startMs };
  }
  if (c.checked === 0) return { trigger: 'corruption', status: 'inconclusive', why: 'no 2xx candidate answer to check in the interval' };
  return { trigger: 'corruption', status: 'quiet', why: `${c.checked} candidate answers checked, none wrong` };
}

function memory(t: CanaryParams['triggers']['memory'], e: IntervalEvidence, holdMs: number): TriggerVerdict {
  const m = e.memory;
  if (m.unavailable || m.lastRss === undefined) return { trigger: 'memory', status: 'inconclusive', why: `the candidate's memory cannot be read (${m.unavailable ?? 'no sample yet'})` };
  const line = `candidate RSS ${mb(m.lastRss)} of ${mb(m.limitBytes)} (${pct(m.lastRss / m.limitBytes)})`;
  if (m.aboveSinceMs === undefined) return { trigger: 'memory', status: 'quiet', why: `${line} ≤ ${pct(t.above)}` };
  const held = e.endMs - m.aboveSinceMs;
  if (held >= holdMs) return { trigger: 'memory', status: 'fired', why: `${line}: above ${pct(t.above)} for ${s(held)} ≥ ${s(holdMs)}`, onsetMs: m.aboveSinceMs };
  return { trigger: 'memory', status: 'pending', why: `${line}: above ${pct(t.above)} for ${s(held)}, fires at ${s(holdMs)}`, onsetMs: m.aboveSinceMs };
}

function silence(t: CanaryParams['triggers']['silence'], e: IntervalEvidence, holdMs: number): TriggerVerdict {
  const h = e.silence;
  if (!h.everAnswered) return { trigger: 'silence', status: 'inconclusive', why: 'the candidate’s /health has not answered once' };
  const onset = h.lastAnswerMs;
  if (h.silentForMs >= holdMs) return { trigger: 'silence', status: 'fired', why: `/health silent for ${s(h.silentForMs)} ≥ ${s(holdMs)}`, ...(onset !== undefined ? { onsetMs: onset } : {}) };
  // Gaps of a few polls are how polling looks; longer ones are silence on its way to the trigger.
  if (h.silentForMs > Math.max(3 * t.poll, 1000)) return { trigger: 'silence', status: 'pending', why: `/health silent for ${s(h.silentForMs)}, fires at ${s(holdMs)}`, ...(onset !== undefined ? { onsetMs: onset } : {}) };
  return { trigger: 'silence', status: 'quiet', why: `/health answered ${s(h.silentForMs)} before the interval's end` };
}

export function judgeTriggers(p: CanaryParams, e: IntervalEvidence, state: TriggerState, d: ScaledDurations): TriggerVerdict[] {
  const t = p.triggers;
  const off = (trigger: TriggerName): TriggerVerdict => ({ trigger, status: 'off', why: 'disabled in the suite (triggers.*.enabled: false)' });
  return [
    t.errorRate.enabled ? errorRate(t.errorRate, e) : off('error-rate'),
    t.memory.enabled ? memory(t.memory, e, d.memoryMs) : off('memory'),
    t.latency.enabled ? latency(t.latency, e, state, d.latencyMs, d.intervalMs) : off('latency'),
    t.corruption.enabled ? corruption(e) : off('corruption'),
    t.silence.enabled ? silence(t.silence, e, d.silenceMs) : off('silence'),
  ];
}
