// The `swarm:` block. It stays plain JSON Schema, wrapped for the kind contract: the loader
// validates it and passes it on undecoded, because harness/targets/swarm/params.ts resolves a
// block (durations, defaults, cross-checks) for the suite and for `embedgate swarm` alike.
import { DURATION_PATTERN } from '../../config/duration.ts';
import { FAULT_TYPES } from '../../targets/swarm/faults.ts';
import { JsonSchema } from '../params.ts';

const duration = (description: string) => ({ type: 'string', pattern: DURATION_PATTERN, description });
const fraction = (description: string) => ({ type: 'number', minimum: 0, maximum: 1, description });
const name = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' };

const faultSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: [...FAULT_TYPES, 'coordinator-crash'], description: 'what goes wrong' },
    at: duration('virtual time the fault starts, e.g. 10m'),
    for: duration('how long it lasts (hang, slow, partition, drop, delay, health faults)'),
    agent: { ...name, description: 'agent the fault hits' },
    agents: { type: 'array', items: name, minItems: 1, description: 'partition: the agents cut off from the rest' },
    restartAfter: duration('crash: the agent comes back after this long (default: never)'),
    factor: { type: 'number', exclusiveMinimum: 0, description: 'slow: work takes factor× longer; latency-spike: latency as a multiple of the baseline' },
    rate: fraction('drop: extra loss probability; error-burst: error rate'),
    level: fraction('memory-pressure: memory use as a fraction of capacity'),
    extra: duration('delay: extra latency per message'),
  },
};

const randomFaultsSchema = {
  description: 'draw a fault schedule per seed: true for the defaults, or the upper bounds',
  oneOf: [
    { type: 'boolean' },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        within: duration('faults start within this virtual time (default 60m)'),
        crashes: { type: 'integer', minimum: 0 }, hangs: { type: 'integer', minimum: 0 }, slow: { type: 'integer', minimum: 0 },
        byzantine: { type: 'integer', minimum: 0 }, partitions: { type: 'integer', minimum: 0 }, network: { type: 'integer', minimum: 0 },
        coordinatorCrash: fraction('probability of a coordinator crash'), health: fraction('probability of a health fault'), corruption: fraction('probability of store corruption'),
      },
    },
  ],
};

const durationDist = {
  description: 'a fixed duration ("5m"), uniform { min, max }, or lognormal { median, sigma }',
  oneOf: [
    duration('fixed duration'),
    { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: duration('shortest'), max: duration('longest') } },
    { type: 'object', additionalProperties: false, required: ['median'], properties: { median: duration('median'), sigma: { type: 'number', minimum: 0 } } },
  ],
};

const SWARM_PARAMS_JSON: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    seeds: { type: 'integer', minimum: 1, maximum: 100000, description: 'seeds per scenario, starting at --seed (default 1)' },
    duration: duration('virtual time limit of a run (default 6h)'),
    waves: { type: 'integer', minimum: 1, description: 'times the DAG runs back to back (default 1)' },
    topology: {
      type: 'object',
      additionalProperties: false,
      properties: {
        coordinator: name,
        standby: { description: 'name of the standby coordinator, or false for none', oneOf: [name, { const: false }] },
        workers: {
          type: 'array', minItems: 1, maxItems: 7,
          items: {
            type: 'object', additionalProperties: false, required: ['id'],
            properties: {
              id: name,
              capacity: { type: 'integer', minimum: 1, description: 'concurrent jobs' },
              speed: { type: 'number', exclusiveMinimum: 0, description: 'work rate (1 = baseline)' },
              weight: { type: 'number', exclusiveMinimum: 0, description: 'vote weight in consensus' },
            },
          },
        },
      },
    },
    dag: {
      type: 'array', minItems: 1, description: 'tasks with dependencies (default: the migration DAG)',
      items: {
        type: 'object', additionalProperties: false, required: ['id', 'duration'],
        properties: { id: name, after: { type: 'array', items: name }, duration: durationDist, role: name },
      },
    },
    reembed: {
      type: 'object', additionalProperties: false, description: 'real work: re-embed a corpus in shards through the suite target',
      properties: {
        corpus: { type: 'string', description: 'texts JSON or BEIR corpus.jsonl, relative to the suite file (default: the fixture sample)' },
        variants: { type: 'integer', minimum: 1, maximum: 100, description: 'deterministic variants per text, for a larger job (default 1)' },
        shards: { type: 'integer', minimum: 1, maximum: 1000 },
        verifySample: { type: 'integer', minimum: 1, description: 'texts of a shard a verifier re-embeds (default 2)' },
        perText: duration('virtual time to embed one text at speed 1 (default 2s)'),
      },
    },
    network: {
      type: 'object', additionalProperties: false,
      properties: { latency: duration('base latency'), jitter: duration('uniform extra latency'), loss: fraction('message loss probability') },
    },
    heartbeat: {
      type: 'object', additionalProperties: false,
      properties: { interval: duration('default 30s'), timeout: duration('silence before an agent is declared failed (default 45s)'), probe: duration('silence before a direct ping (default timeout - 10s)') },
    },
    deadlineFactor: { type: 'number', minimum: 1, description: 'a task not done after factor × its expected time is taken back (default 3)' },
    consensus: {
      type: 'object', additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', description: 'false commits the primary’s result unverified (for experiments only)' },
        quorum: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'fraction of the total worker weight a result needs (default 1/3)' },
        verifyCost: { type: 'number', minimum: 0, maximum: 1, description: 'verification time as a fraction of the task time (default 0.15)' },
      },
    },
    breaker: { type: 'object', additionalProperties: false, properties: { failures: { type: 'integer', minimum: 1 }, cooldown: duration('default 2m') } },
    triggers: {
      type: 'object', additionalProperties: false,
      properties: {
        errorRate: fraction('default 0.05'), memory: fraction('default 0.9'), memoryFor: duration('default 5m'),
        latency: { type: 'number', minimum: 1, description: 'multiple of the baseline latency (default 5)' }, latencyFor: duration('default 10m'),
        silence: duration('default 3m'),
      },
    },
    scrub: duration('store integrity scrub period (default 60s)'),
    rollback: { type: 'object', additionalProperties: false, properties: { ackTimeout: duration('default 2m'), stepMin: duration('default 10s'), stepMax: duration('default 40s') } },
    requirements: {
      type: 'object', additionalProperties: false, description: 'the plan’s limits the invariants enforce',
      properties: { detection: duration('default 60s'), reassignment: duration('default 60s'), rollback: duration('default 5m') },
    },
    faults: { type: 'array', items: faultSchema, description: 'fault schedule applied to every seed' },
    randomFaults: randomFaultsSchema,
    scenarios: {
      type: 'array', minItems: 1, description: 'each runs the base configuration with its own extra faults',
      items: {
        type: 'object', additionalProperties: false, required: ['name'],
        properties: {
          name,
          description: { type: 'string' },
          faults: { type: 'array', items: faultSchema },
          randomFaults: randomFaultsSchema,
          expect: {
            type: 'object', additionalProperties: false, required: ['rollback'],
            properties: { rollback: { enum: ['none', 'any', 'error-rate', 'memory', 'latency', 'corruption', 'silence'], description: 'the trigger that should roll back, none, or any' } },
          },
        },
      },
    },
  },
};

/** The raw block; resolveSwarmPlan turns it into scenarios. */
export const SWARM_PARAMS = JsonSchema<Record<string, unknown>>(SWARM_PARAMS_JSON);
