// The resolved configuration of one simulated swarm run: topology, work, mechanisms, triggers,
// requirements and faults, with every duration in virtual milliseconds. Built from the suite's
// `swarm:` block by resolveSwarmConfig (params.ts); the defaults are the migration plan's numbers.
import type { FaultSpec, RandomFaults } from './faults.ts';

export interface AgentSpec {
  id: string;
  /** Concurrent jobs (task executions or verifications) the agent runs. */
  capacity: number;
  /** Work rate: a task of base duration d takes d / speed on this agent. */
  speed: number;
  /** Vote weight in consensus. */
  weight: number;
}

export type DurationDist =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'lognormal'; median: number; sigma: number };

export interface TaskSpec {
  id: string;
  after: string[];
  duration: DurationDist;
  /** The specialist the coordinator prefers for this task, when it has a free slot. */
  role?: string;
}

export interface ReembedSpec {
  /** Absolute path of the corpus: a texts JSON file or a BEIR corpus.jsonl. Undefined: built-in sample. */
  corpus?: string;
  /** Deterministic variants of each corpus text, to make a larger job from a small corpus. */
  variants: number;
  shards: number;
  /** Texts of a shard that a verifier re-embeds to check the primary's vectors. */
  verifySample: number;
  /** Virtual time to embed one text at speed 1; the schedule never depends on real timing. */
  perTextMs: number;
}

export interface SwarmConfig {
  coordinator: string;
  /** The warm standby coordinator (the eighth agent), or undefined for none. */
  standby?: string;
  workers: AgentSpec[];
  dag: TaskSpec[];
  /** Real work: the DAG is one task per shard and workers embed through the target. */
  reembed?: ReembedSpec;
  /** The DAG runs this many times back to back (a simulated day is many waves). */
  waves: number;
  /** Virtual time limit of a run. */
  durationMs: number;
  network: { latencyMs: number; jitterMs: number; loss: number };
  heartbeat: { intervalMs: number; timeoutMs: number; probeMs: number };
  /** A task not finished after factor × its expected time on its worker is taken back. */
  taskDeadlineFactor: number;
  consensus: { enabled: boolean; quorum: number; verifyCost: number };
  breaker: { failures: number; cooldownMs: number };
  triggers: {
    errorRate: number;
    memory: number;
    memoryForMs: number;
    latencyFactor: number;
    latencyForMs: number;
    silenceMs: number;
  };
  /** Store integrity scrub period (finds data corruption). */
  scrubMs: number;
  rollback: { ackTimeoutMs: number; stepMinMs: number; stepMaxMs: number };
  /** What the plan demands; invariants are checked against these, not against the mechanisms. */
  requirements: { detectionMs: number; reassignmentMs: number; rollbackMs: number };
  faults: FaultSpec[];
  random?: RandomFaults;
}

export const MAX_AGENTS = 8;

export const DEFAULT_WORKERS: AgentSpec[] = [
  { id: 'embedding-specialist', capacity: 2, speed: 1.3, weight: 1.5 },
  { id: 'memory-analyst', capacity: 1, speed: 1, weight: 1 },
  { id: 'parallel-optimizer', capacity: 2, speed: 1.2, weight: 1 },
  { id: 'streaming-coder', capacity: 1, speed: 1, weight: 1 },
  { id: 'validator', capacity: 1, speed: 1, weight: 1.5 },
  { id: 'config-manager', capacity: 1, speed: 0.8, weight: 1 },
];

const m = (minutes: number) => minutes * 60_000;
const range = (lo: number, hi: number): DurationDist => ({ kind: 'uniform', min: m(lo), max: m(hi) });
const many = (prefix: string, n: number, after: string[], duration: DurationDist, role?: string): TaskSpec[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i + 1}`, after, duration, ...(role ? { role } : {}) }));
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** The migration as a DAG: core migration before memory optimisation before streaming. */
export const DEFAULT_DAG: TaskSpec[] = [
  { id: 'inventory', after: [], duration: range(2, 3), role: 'config-manager' },
  ...many('core-migration', 8, ['inventory'], range(5, 8), 'embedding-specialist'),
  ...many('reembed-shard', 10, ['inventory'], range(3, 6), 'embedding-specialist'),
  ...many('memory-optimisation', 6, ids('core-migration', 8), range(4, 7), 'memory-analyst'),
  ...many('parallel-tuning', 4, ids('core-migration', 8), range(3, 5), 'parallel-optimizer'),
  ...many('streaming', 6, ids('memory-optimisation', 6), range(4, 6), 'streaming-coder'),
  ...many('validation', 4, [...ids('streaming', 6), ...ids('reembed-shard', 10), ...ids('parallel-tuning', 4)], range(2, 4), 'validator'),
  { id: 'config-rollout', after: ids('validation', 4), duration: range(2, 3), role: 'config-manager' },
];

export const DEFAULTS: Omit<SwarmConfig, 'faults' | 'dag' | 'workers'> = {
  coordinator: 'coordinator',
  standby: 'standby-coordinator',
  waves: 1,
  durationMs: 6 * 3_600_000,
  network: { latencyMs: 20, jitterMs: 30, loss: 0.002 },
  heartbeat: { intervalMs: 30_000, timeoutMs: 45_000, probeMs: 35_000 },
  taskDeadlineFactor: 3,
  consensus: { enabled: true, quorum: 1 / 3, verifyCost: 0.15 },
  breaker: { failures: 3, cooldownMs: m(2) },
  triggers: { errorRate: 0.05, memory: 0.9, memoryForMs: m(5), latencyFactor: 5, latencyForMs: m(10), silenceMs: m(3) },
  scrubMs: 60_000,
  rollback: { ackTimeoutMs: m(2), stepMinMs: 10_000, stepMaxMs: 40_000 },
  requirements: { detectionMs: 60_000, reassignmentMs: 60_000, rollbackMs: m(5) },
};

/** Total vote weight of the workers. */
export function totalWeight(config: Pick<SwarmConfig, 'workers'>): number {
  return config.workers.reduce((sum, w) => sum + w.weight, 0);
}

/** The weight a result needs from agreeing workers to be committed. */
export function quorumWeight(config: Pick<SwarmConfig, 'workers' | 'consensus'>): number {
  return config.consensus.quorum * totalWeight(config);
}
