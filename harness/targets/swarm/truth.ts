// Ground truth of the rollback triggers: when each one actually held, worked out after the run
// from the fault schedule, the agents' up-times and the network's delivery log, independently of
// the online monitor that fired (or did not fire) the rollback.
import { AgentHealth } from './health.ts';
import type { InvariantInput } from './invariants.ts';
import type { Heard, TriggerName } from './record.ts';

export interface TriggerHold {
  trigger: TriggerName;
  subject: string;
  /** First moment the trigger's condition was true. */
  at: number;
  why: string;
  /** Set for silence as one coordinator node saw it: justifies that node's firing only. */
  by?: string;
  /** The agent went down too soon after for any report to be owed: justifies a firing, demands none. */
  optional?: true;
}

/** Intervals during which `agent` was up, from the crash/restart record. */
export function upIntervals(input: Pick<InvariantInput, 'record' | 'endedAt'>, agent: string): { from: number; to: number }[] {
  const downs = input.record.downs.filter((d) => d.agent === agent).sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  let from = 0;
  for (const d of downs) {
    if (d.from > from) out.push({ from, to: d.from });
    from = d.to ?? Infinity;
  }
  if (from < Infinity) out.push({ from, to: Infinity });
  return out;
}

export function triggerTruths(input: InvariantInput): TriggerHold[] {
  const { config, faults, record } = input;
  const t = config.triggers;
  const holds: TriggerHold[] = [];
  for (const worker of config.workers) {
    const ups = upIntervals(input, worker.id);
    const health = new AgentHealth(worker.id, faults, t);
    for (const b of health.bursts) {
      if (b.rate <= t.errorRate) continue;
      const up = ups.find((u) => u.from < b.end && u.to > b.start);
      if (up) holds.push({ trigger: 'error-rate', subject: worker.id, at: Math.max(b.start, up.from), why: `error rate ${b.rate}`, ...exempt(ups, Math.max(b.start, up.from)) });
    }
    for (const [trigger, stretches, forMs] of [['memory', health.memoryHigh, t.memoryForMs], ['latency', health.latencyHigh, t.latencyForMs]] as const) {
      for (const s of stretches) {
        for (const u of ups) {
          const start = Math.max(s.start, u.from);
          const end = Math.min(s.end, u.to);
          if (end - start > forMs) holds.push({ trigger, subject: worker.id, at: start + forMs + 1, why: `${trigger} high for ${(end - start) / 1000} s`, ...exempt(ups, start + forMs + 1) });
        }
      }
    }
    // Silence: at time T the last heartbeat received had been sent more than the limit before T.
    for (const hold of silences(record.heardFrom.get(worker.id) ?? [], t.silenceMs, input.endedAt)) {
      holds.push({ trigger: 'silence', subject: worker.id, at: hold, why: 'no heartbeat received' });
    }
    for (const node of [config.coordinator, config.standby].filter((n): n is string => n !== undefined)) {
      for (const hold of silences(record.heardBy.get(`${node}|${worker.id}`) ?? [], t.silenceMs, Infinity)) {
        holds.push({ trigger: 'silence', subject: worker.id, at: hold, why: `${node} received no heartbeat`, by: node });
      }
    }
    // Coordinator silence as this worker lived it: up, and no word from an acting coordinator.
    const words = (record.heardCoordinator.get(worker.id) ?? []).slice().sort((a, b) => a - b);
    for (const u of ups) {
      let last = u.from;
      for (const w of [...words.filter((x) => x >= u.from && x < u.to), Math.min(u.to, input.endedAt)]) {
        if (w - last > t.silenceMs) {
          holds.push({ trigger: 'silence', subject: config.coordinator, at: last + t.silenceMs + 1, why: `${worker.id} heard no coordinator after ${last / 1000} s` });
          break;
        }
        last = w;
      }
    }
  }
  for (const c of record.corruptions) if (c.key) holds.push({ trigger: 'corruption', subject: '-', at: c.at, why: `entry ${c.key} corrupted` });
  return holds.sort((a, b) => a.at - b.at);
}

/** Moments the silence condition starts to hold, from heartbeats as (sent, received) pairs. */
function silences(heard: readonly Heard[], silenceMs: number, end: number): number[] {
  const byArrival = [...heard].sort((a, b) => a.at - b.at);
  const out: number[] = [];
  let last = 0;
  for (let i = 0; i <= byArrival.length; i++) {
    const next = i < byArrival.length ? byArrival[i]!.at : end;
    if (last + silenceMs + 1 < next || (i === byArrival.length && last + silenceMs + 1 <= end)) out.push(last + silenceMs + 1);
    if (i < byArrival.length) last = Math.max(last, byArrival[i]!.sent);
  }
  return out;
}

/**
 * A hold on an agent that crashed soon after may never reach a coordinator (the silence trigger
 * catches the crash instead), so no rollback is owed for it; but a heartbeat may still have carried
 * it before the crash, and then a rollback on it is justified.
 */
function exempt(ups: { from: number; to: number }[], at: number): { optional?: true } {
  const up = ups.find((u) => u.from <= at && u.to > at);
  return up && up.to !== Infinity && up.to - at < 60_000 ? { optional: true } : {};
}
