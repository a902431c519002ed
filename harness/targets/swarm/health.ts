// Health signals behind the plan's rollback triggers: each agent's error rate, memory use and
// latency (as a multiple of the baseline) over virtual time, shaped by the health faults. Signals
// are piecewise constant, so both the agent's own report and the truth the invariants use are
// computed exactly from the same stretches.
import type { SwarmConfig } from './config.ts';
import type { FaultSpec } from './faults.ts';

export interface Stretch {
  start: number;
  end: number;
}

export interface HealthReport {
  /** Highest error rate since the last acknowledged report. */
  errorRate: number;
  /** Longest continuous stretch above the memory threshold that overlaps the window. */
  memoryHighMs: number;
  latencyHighMs: number;
}

/** Merges overlapping [start, end) stretches. */
export function mergeStretches(stretches: Stretch[]): Stretch[] {
  const sorted = [...stretches].sort((a, b) => a.start - b.start);
  const out: Stretch[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export class AgentHealth {
  readonly bursts: { start: number; end: number; rate: number }[];
  readonly memoryHigh: Stretch[];
  readonly latencyHigh: Stretch[];

  constructor(agent: string, faults: readonly FaultSpec[], triggers: SwarmConfig['triggers']) {
    const mine = faults.filter((f) => 'agent' in f && f.agent === agent);
    this.bursts = mine.flatMap((f) => (f.type === 'error-burst' ? [{ start: f.at, end: f.at + f.forMs, rate: f.rate }] : []));
    this.memoryHigh = mergeStretches(
      mine.flatMap((f) => (f.type === 'memory-pressure' && f.level > triggers.memory ? [{ start: f.at, end: f.at + f.forMs }] : [])),
    );
    this.latencyHigh = mergeStretches(
      mine.flatMap((f) => (f.type === 'latency-spike' && f.factor > triggers.latencyFactor ? [{ start: f.at, end: f.at + f.forMs }] : [])),
    );
  }

  get quiet(): boolean {
    return this.bursts.length === 0 && this.memoryHigh.length === 0 && this.latencyHigh.length === 0;
  }

  /** What the agent reports for the window (since, now], knowing its history back to upSince (its last start). */
  report(since: number, now: number, upSince: number): HealthReport {
    let errorRate = 0;
    for (const b of this.bursts) if (b.start <= now && b.end > since && b.end > upSince) errorRate = Math.max(errorRate, b.rate);
    return { errorRate, memoryHighMs: longest(this.memoryHigh, since, now, upSince), latencyHighMs: longest(this.latencyHigh, since, now, upSince) };
  }
}

function longest(stretches: Stretch[], since: number, now: number, upSince: number): number {
  let best = 0;
  for (const s of stretches) {
    const start = Math.max(s.start, upSince);
    const end = Math.min(s.end, now);
    if (start <= now && end > since && end > start) best = Math.max(best, end - start);
  }
  return best;
}
