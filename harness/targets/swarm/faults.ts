// Faults: the kinds the simulation can inject, and a per-seed draw of a random schedule. A
// schedule from YAML and a drawn one have the same shape, so a failing drawn schedule can be
// copied into a suite as a regression scenario.
import type { SwarmConfig } from './config.ts';
import { quorumWeight } from './config.ts';
import { Prng } from '../../random.ts';

export type FaultSpec =
  | { type: 'crash'; agent: string; at: number; restartAfterMs?: number }
  /** Heartbeats go on, but the agent's jobs make no progress until the hang ends. */
  | { type: 'hang'; agent: string; at: number; forMs: number }
  | { type: 'slow'; agent: string; at: number; forMs: number; factor: number }
  /** From `at` on, the agent's results are wrong and its votes collude with other byzantine agents. */
  | { type: 'byzantine'; agent: string; at: number }
  /** The listed agents can talk to each other but not to anyone else. */
  | { type: 'partition'; agents: string[]; at: number; forMs: number }
  | { type: 'drop'; at: number; forMs: number; rate: number }
  | { type: 'delay'; at: number; forMs: number; extraMs: number }
  | { type: 'error-burst'; agent: string; at: number; forMs: number; rate: number }
  | { type: 'memory-pressure'; agent: string; at: number; forMs: number; level: number }
  | { type: 'latency-spike'; agent: string; at: number; forMs: number; factor: number }
  /** Flips bytes of one committed store entry. */
  | { type: 'corruption'; at: number }
  /** The agent keeps embedding with the old model (real work), or reports the old model's identity. */
  | { type: 'stale-model'; agent: string; at: number };

export type FaultType = FaultSpec['type'];

export const FAULT_TYPES: readonly FaultType[] = [
  'crash', 'hang', 'slow', 'byzantine', 'partition', 'drop', 'delay',
  'error-burst', 'memory-pressure', 'latency-spike', 'corruption', 'stale-model',
];

/** Upper bounds of what a seed may draw. Counts are drawn uniformly in [0, max]. */
export interface RandomFaults {
  withinMs: number;
  crashes: number;
  hangs: number;
  slow: number;
  byzantine: number;
  partitions: number;
  network: number;
  /** Probabilities. */
  coordinatorCrash: number;
  health: number;
  corruption: number;
}

export const DEFAULT_RANDOM_FAULTS: RandomFaults = {
  withinMs: 60 * 60_000,
  crashes: 2,
  hangs: 1,
  slow: 1,
  byzantine: 1,
  partitions: 1,
  network: 1,
  coordinatorCrash: 0.25,
  health: 0.3,
  corruption: 0.1,
};

/** Agents a fault targets, for validation and the per-agent timeline. */
export function faultAgents(fault: FaultSpec): string[] {
  if ('agent' in fault) return [fault.agent];
  if (fault.type === 'partition') return fault.agents;
  return [];
}

/** Agents that are byzantine at some point of the run. */
export function byzantineAgents(faults: readonly FaultSpec[]): string[] {
  return [...new Set(faults.flatMap((f) => (f.type === 'byzantine' ? [f.agent] : [])))].sort();
}

/** A fault schedule for `seed`, within the bounds of `random` and within the byzantine tolerance. */
export function drawFaults(seed: number, config: SwarmConfig, random: RandomFaults): FaultSpec[] {
  const rng = Prng.stream(seed, 'faults');
  const workers = config.workers.map((w) => w.id);
  const at = () => rng.int(0, random.withinMs);
  const faults: FaultSpec[] = [];
  const count = (max: number) => rng.int(0, max);

  for (let i = count(random.crashes); i > 0; i--) {
    // Most crashed agents come back before the 3-minute silence trigger; some never do.
    const restart = rng.chance(0.85) ? rng.int(10_000, 150_000) : undefined;
    faults.push({ type: 'crash', agent: rng.pick(workers), at: at(), ...(restart !== undefined ? { restartAfterMs: restart } : {}) });
  }
  for (let i = count(random.hangs); i > 0; i--) faults.push({ type: 'hang', agent: rng.pick(workers), at: at(), forMs: rng.int(30_000, 600_000) });
  for (let i = count(random.slow); i > 0; i--) {
    faults.push({ type: 'slow', agent: rng.pick(workers), at: at(), forMs: rng.int(60_000, 1_800_000), factor: rng.pick([2, 4, 8]) });
  }
  // Byzantine agents are drawn only while their total weight stays under the quorum.
  const quorum = quorumWeight(config);
  let byzantineWeight = 0;
  for (let i = count(random.byzantine); i > 0; i--) {
    const agent = config.workers[rng.int(0, config.workers.length - 1)]!;
    if (byzantineWeight + agent.weight >= quorum || faults.some((f) => f.type === 'byzantine' && f.agent === agent.id)) continue;
    byzantineWeight += agent.weight;
    faults.push({ type: 'byzantine', agent: agent.id, at: rng.chance(0.5) ? 0 : at() });
  }
  for (let i = count(random.partitions); i > 0; i--) {
    const size = rng.int(1, 2);
    const agents = [...new Set(Array.from({ length: size }, () => rng.pick(workers)))].sort();
    faults.push({ type: 'partition', agents, at: at(), forMs: rng.int(10_000, 150_000) });
  }
  for (let i = count(random.network); i > 0; i--) {
    faults.push(
      rng.chance(0.5)
        ? { type: 'drop', at: at(), forMs: rng.int(60_000, 600_000), rate: rng.pick([0.05, 0.2, 0.5]) }
        : { type: 'delay', at: at(), forMs: rng.int(60_000, 600_000), extraMs: rng.int(100, 5000) },
    );
  }
  if (rng.chance(random.coordinatorCrash)) {
    const restart = rng.chance(0.5) ? rng.int(30_000, 300_000) : undefined;
    faults.push({ type: 'crash', agent: config.coordinator, at: at(), ...(restart !== undefined ? { restartAfterMs: restart } : {}) });
  }
  if (rng.chance(random.health)) faults.push(drawHealthFault(rng, config, at()));
  if (rng.chance(random.corruption)) faults.push({ type: 'corruption', at: at() });
  return faults.sort((a, b) => a.at - b.at);
}

/** A health fault either clearly above or clearly below its trigger, so that both outcomes get exercised. */
function drawHealthFault(rng: Prng, config: SwarmConfig, at: number): FaultSpec {
  const agent = rng.pick(config.workers).id;
  const t = config.triggers;
  const over = rng.chance(0.5);
  switch (rng.int(0, 2)) {
    case 0:
      return { type: 'error-burst', agent, at, forMs: rng.int(10_000, 300_000), rate: over ? t.errorRate * 2 : t.errorRate / 2 };
    case 1: {
      const forMs = over ? t.memoryForMs + rng.int(60_000, 300_000) : rng.int(30_000, t.memoryForMs - 60_000);
      return { type: 'memory-pressure', agent, at, forMs, level: rng.pick([0.93, 0.97]) };
    }
    default: {
      const forMs = over ? t.latencyForMs + rng.int(60_000, 300_000) : rng.int(60_000, t.latencyForMs - 60_000);
      return { type: 'latency-spike', agent, at, forMs, factor: t.latencyFactor + rng.pick([1, 3]) };
    }
  }
}
