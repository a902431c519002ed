// The suite's `swarm:` block (its shape is checked by the JSON Schema in schema.ts) turned into
// SwarmConfig, with the checks a schema cannot express: agent names, the DAG, the eight-agent
// limit, fault targets and the byzantine tolerance. Every error names its path in the block.
import { resolve } from 'node:path';
import { parseDuration } from '../../config/duration.ts';
import { ByzantineToleranceError, checkByzantineTolerance } from './consensus.ts';
import { DEFAULT_DAG, DEFAULT_WORKERS, DEFAULTS, MAX_AGENTS, type AgentSpec, type DurationDist, type SwarmConfig, type TaskSpec } from './config.ts';
import { DEFAULT_RANDOM_FAULTS, faultAgents, type FaultSpec, type RandomFaults } from './faults.ts';
import { DagError, topologicalOrder } from './workload.ts';

export class SwarmConfigError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`swarm${path ? `.${path}` : ''}: ${detail}`);
  }
}

export interface Scenario {
  name: string;
  config: SwarmConfig;
  /** The declared expectation: which trigger should roll back, or 'none'. */
  expect?: string;
}

export interface SwarmPlan {
  seeds: number;
  scenarios: Scenario[];
}

type Raw = Record<string, any>;

// Virtual time runs in whole milliseconds.
const ms = (value: unknown, fallback: number): number => (typeof value === 'string' ? Math.round(parseDuration(value) ?? fallback) : fallback);

function durationDist(raw: unknown, path: string): DurationDist {
  if (typeof raw === 'string') return { kind: 'fixed', ms: ms(raw, 0) };
  const r = raw as Raw;
  if (r['min'] !== undefined) {
    const min = ms(r['min'], 0);
    const max = ms(r['max'], 0);
    if (max < min) throw new SwarmConfigError(path, `max ${r['max']} is below min ${r['min']}`);
    return { kind: 'uniform', min, max };
  }
  return { kind: 'lognormal', median: ms(r['median'], 0), sigma: Number(r['sigma'] ?? 0.25) };
}

function fault(raw: Raw, path: string): FaultSpec {
  const at = ms(raw['at'], 0);
  const forMs = ms(raw['for'], 60_000);
  const agent = raw['agent'] as string;
  switch (raw['type'] as string) {
    case 'crash':
      return { type: 'crash', agent, at, ...(raw['restartAfter'] !== undefined ? { restartAfterMs: ms(raw['restartAfter'], 0) } : {}) };
    case 'coordinator-crash':
      return { type: 'crash', agent: raw['agent'] ?? '@coordinator', at, ...(raw['restartAfter'] !== undefined ? { restartAfterMs: ms(raw['restartAfter'], 0) } : {}) };
    case 'hang':
      return { type: 'hang', agent, at, forMs };
    case 'slow':
      return { type: 'slow', agent, at, forMs, factor: Number(raw['factor'] ?? 4) };
    case 'byzantine':
      return { type: 'byzantine', agent, at };
    case 'stale-model':
      return { type: 'stale-model', agent, at };
    case 'partition':
      return { type: 'partition', agents: raw['agents'] as string[], at, forMs };
    case 'drop':
      return { type: 'drop', at, forMs, rate: Number(raw['rate'] ?? 0.5) };
    case 'delay':
      return { type: 'delay', at, forMs, extraMs: ms(raw['extra'], 1000) };
    case 'error-burst':
      return { type: 'error-burst', agent, at, forMs, rate: Number(raw['rate'] ?? 0.1) };
    case 'memory-pressure':
      return { type: 'memory-pressure', agent, at, forMs, level: Number(raw['level'] ?? 0.95) };
    case 'latency-spike':
      return { type: 'latency-spike', agent, at, forMs, factor: Number(raw['factor'] ?? 6) };
    case 'corruption':
      return { type: 'corruption', at };
    default:
      throw new SwarmConfigError(path, `unknown fault type "${raw['type']}"`);
  }
}

const WORKER_ONLY = new Set(['hang', 'slow', 'byzantine', 'stale-model', 'error-burst', 'memory-pressure', 'latency-spike']);

function faults(list: unknown, path: string, config: SwarmConfig): FaultSpec[] {
  const workers = new Set(config.workers.map((w) => w.id));
  const everyone = new Set([...workers, config.coordinator, ...(config.standby ? [config.standby] : [])]);
  return ((list as Raw[] | undefined) ?? []).map((raw, i) => {
    const p = `${path}[${i}]`;
    const f = fault(raw, p);
    if (f.type === 'crash' && f.agent === '@coordinator') f.agent = config.coordinator;
    for (const agent of faultAgents(f)) {
      if (!everyone.has(agent)) throw new SwarmConfigError(p, `no agent "${agent}"; agents are ${[...everyone].join(', ')}`);
      if (WORKER_ONLY.has(f.type) && !workers.has(agent)) throw new SwarmConfigError(p, `a ${f.type} fault needs a worker, and "${agent}" is a coordinator`);
    }
    return f;
  });
}

function random(raw: unknown): RandomFaults | undefined {
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return { ...DEFAULT_RANDOM_FAULTS };
  const r = raw as Raw;
  return { ...DEFAULT_RANDOM_FAULTS, ...r, withinMs: ms(r['within'], DEFAULT_RANDOM_FAULTS.withinMs) } as RandomFaults;
}

/** The base configuration of the block, without its scenarios. */
export function resolveSwarmConfig(params: Raw, baseDir: string): SwarmConfig {
  const topology = (params['topology'] ?? {}) as Raw;
  const workers: AgentSpec[] = ((topology['workers'] as Raw[] | undefined) ?? DEFAULT_WORKERS).map((w) => ({
    id: w['id'], capacity: w['capacity'] ?? 1, speed: w['speed'] ?? 1, weight: w['weight'] ?? 1,
  }));
  const coordinator = (topology['coordinator'] as string | undefined) ?? DEFAULTS.coordinator;
  const standby = topology['standby'] === false ? undefined : ((topology['standby'] as string | undefined) ?? DEFAULTS.standby);
  const names = [coordinator, ...(standby ? [standby] : []), ...workers.map((w) => w.id)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new SwarmConfigError('topology', `agent name "${dup}" is used twice`);
  if (names.length > MAX_AGENTS) {
    throw new SwarmConfigError('topology', `${names.length} agents (${names.join(', ')}); the swarm has at most ${MAX_AGENTS}: one coordinator, a standby and six workers`);
  }
  if (workers.length === 0) throw new SwarmConfigError('topology.workers', 'the swarm needs at least one worker');

  const reembedRaw = params['reembed'] as Raw | undefined;
  const reembed = reembedRaw && {
    ...(reembedRaw['corpus'] ? { corpus: resolve(baseDir, reembedRaw['corpus']) } : {}),
    variants: reembedRaw['variants'] ?? 1,
    shards: reembedRaw['shards'] ?? 8,
    verifySample: reembedRaw['verifySample'] ?? 2,
    perTextMs: ms(reembedRaw['perText'], 2000),
  };
  if (reembed && params['dag']) throw new SwarmConfigError('reembed', 'give either dag (simulated work) or reembed (real work), not both');
  const dag: TaskSpec[] = reembed
    ? Array.from({ length: reembed.shards }, (_, i) => ({ id: `shard-${String(i + 1).padStart(3, '0')}`, after: [], duration: { kind: 'fixed', ms: 0 }, role: 'embedding-specialist' }))
    : ((params['dag'] as Raw[] | undefined)?.map((t, i) => ({
        id: t['id'], after: t['after'] ?? [], duration: durationDist(t['duration'], `dag[${i}].duration`), ...(t['role'] ? { role: t['role'] } : {}),
      })) ?? DEFAULT_DAG);
  try {
    topologicalOrder(dag);
  } catch (err) {
    if (err instanceof DagError) throw new SwarmConfigError('dag', err.message);
    throw err;
  }

  const hb = (params['heartbeat'] ?? {}) as Raw;
  const interval = ms(hb['interval'], DEFAULTS.heartbeat.intervalMs);
  const timeout = ms(hb['timeout'], DEFAULTS.heartbeat.timeoutMs);
  const c = (params['consensus'] ?? {}) as Raw;
  const b = (params['breaker'] ?? {}) as Raw;
  const tr = (params['triggers'] ?? {}) as Raw;
  const rb = (params['rollback'] ?? {}) as Raw;
  const rq = (params['requirements'] ?? {}) as Raw;
  const net = (params['network'] ?? {}) as Raw;
  const d = DEFAULTS;
  const config: SwarmConfig = {
    coordinator,
    ...(standby ? { standby } : {}),
    workers,
    dag,
    ...(reembed ? { reembed } : {}),
    waves: params['waves'] ?? d.waves,
    durationMs: ms(params['duration'], d.durationMs),
    network: { latencyMs: ms(net['latency'], d.network.latencyMs), jitterMs: ms(net['jitter'], d.network.jitterMs), loss: net['loss'] ?? d.network.loss },
    heartbeat: { intervalMs: interval, timeoutMs: timeout, probeMs: ms(hb['probe'], Math.round(timeout - Math.min(10_000, timeout / 4))) },
    taskDeadlineFactor: params['deadlineFactor'] ?? d.taskDeadlineFactor,
    consensus: { enabled: c['enabled'] ?? true, quorum: c['quorum'] ?? d.consensus.quorum, verifyCost: c['verifyCost'] ?? d.consensus.verifyCost },
    breaker: { failures: b['failures'] ?? d.breaker.failures, cooldownMs: ms(b['cooldown'], d.breaker.cooldownMs) },
    triggers: {
      errorRate: tr['errorRate'] ?? d.triggers.errorRate,
      memory: tr['memory'] ?? d.triggers.memory,
      memoryForMs: ms(tr['memoryFor'], d.triggers.memoryForMs),
      latencyFactor: tr['latency'] ?? d.triggers.latencyFactor,
      latencyForMs: ms(tr['latencyFor'], d.triggers.latencyForMs),
      silenceMs: ms(tr['silence'], d.triggers.silenceMs),
    },
    scrubMs: ms(params['scrub'], d.scrubMs),
    rollback: { ackTimeoutMs: ms(rb['ackTimeout'], d.rollback.ackTimeoutMs), stepMinMs: ms(rb['stepMin'], d.rollback.stepMinMs), stepMaxMs: ms(rb['stepMax'], d.rollback.stepMaxMs) },
    requirements: {
      detectionMs: ms(rq['detection'], d.requirements.detectionMs),
      reassignmentMs: ms(rq['reassignment'], d.requirements.reassignmentMs),
      rollbackMs: ms(rq['rollback'], d.requirements.rollbackMs),
    },
    faults: [],
  };
  if (config.heartbeat.timeoutMs <= config.heartbeat.intervalMs) {
    throw new SwarmConfigError('heartbeat.timeout', `timeout ${hb['timeout']} must be longer than the interval ${hb['interval'] ?? '30s'}, or every agent looks dead between two heartbeats`);
  }
  config.faults = faults(params['faults'], 'faults', config);
  const drawn = random(params['randomFaults']);
  if (drawn) config.random = drawn;
  tolerance(config, 'faults');
  return config;
}

function tolerance(config: SwarmConfig, path: string): void {
  try {
    checkByzantineTolerance(config);
  } catch (err) {
    if (err instanceof ByzantineToleranceError) throw new SwarmConfigError(path, err.message);
    throw err;
  }
}

/** The whole block: base configuration, seeds, and scenarios (each the base with its own faults). */
export function resolveSwarmPlan(params: Raw, baseDir: string): SwarmPlan {
  const base = resolveSwarmConfig(params, baseDir);
  const list = (params['scenarios'] as Raw[] | undefined) ?? [];
  const scenarios: Scenario[] =
    list.length === 0
      ? [{ name: 'default', config: base }]
      : list.map((s, i) => {
          const config: SwarmConfig = { ...base, faults: [...base.faults, ...faults(s['faults'], `scenarios[${i}].faults`, base)] };
          if (s['randomFaults'] !== undefined) {
            const drawn = random(s['randomFaults']);
            if (drawn) config.random = drawn;
            else delete config.random;
          }
          tolerance(config, `scenarios[${i}].faults`);
          const expect = (s['expect'] as Raw | undefined)?.['rollback'];
          return { name: s['name'] ?? `scenario-${i + 1}`, config, ...(expect !== undefined ? { expect: String(expect) } : {}) };
        });
  return { seeds: params['seeds'] ?? 1, scenarios };
}
