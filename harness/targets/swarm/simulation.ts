// One run of the simulated swarm for one seed: wires the agents, applies the fault schedule, runs
// the virtual clock, and returns what happened. Same seed and configuration, same trace.
import { VirtualClock } from './clock.ts';
import { checkByzantineTolerance } from './consensus.ts';
import type { SwarmConfig } from './config.ts';
import type { SimContext } from './context.ts';
import { CoordinatorNode } from './coordinator.ts';
import { drawFaults, faultAgents, type FaultSpec } from './faults.ts';
import { AgentHealth } from './health.ts';
import { checkInvariants, type Violation } from './invariants.ts';
import { Network } from './network.ts';
import { Prng } from '../../random.ts';
import { emptyRecord, type RunRecord } from './record.ts';
import { RollbackProtocol } from './rollback.ts';
import { EmbeddingStore, type StoreVerification } from './store.ts';
import { Trace, type TraceMode } from './trace.ts';
import { SimulatedWork, type WorkBackend } from './work.ts';
import { Workload } from './workload.ts';
import { WorkerAgent } from './worker.ts';

export interface RunOptions {
  seed: number;
  trace?: TraceMode;
  /** Real work (reembed.ts); simulated digests when absent. */
  work?: WorkBackend;
  /** Task costs for real work (one task per shard). */
  costOf?: ConstructorParameters<typeof Workload>[2];
  signal?: AbortSignal;
}

export interface RunResult {
  seed: number;
  config: SwarmConfig;
  /** The schedule that ran: the configured faults plus those drawn for this seed. */
  faults: FaultSpec[];
  outcome: 'completed' | 'rolled-back' | 'timed-out';
  endedAt: number;
  record: RunRecord;
  store: StoreVerification;
  violations: Violation[];
  trace: Trace;
  events: number;
  network: Network['stats'];
}

/** The faults a seed runs with: the configured schedule, plus a random draw when asked for. */
export function faultsFor(config: SwarmConfig, seed: number): FaultSpec[] {
  const drawn = config.random ? drawFaults(seed, config, config.random) : [];
  return [...config.faults, ...drawn].sort((a, b) => a.at - b.at);
}

function build(config: SwarmConfig, options: RunOptions) {
  const faults = faultsFor(config, options.seed);
  const effective: SwarmConfig = { ...config, faults };
  checkByzantineTolerance(effective);
  const clock = new VirtualClock();
  const trace = new Trace(options.trace ?? 'keep');
  let outcome: RunResult['outcome'] = 'timed-out';
  const ctx = {
    config: effective,
    seed: options.seed,
    clock,
    net: new Network(clock, Prng.stream(options.seed, 'network'), config.network),
    trace,
    record: emptyRecord(),
    store: new EmbeddingStore(),
    work: options.work ?? new SimulatedWork(options.seed),
    workload: new Workload(config, options.seed, options.costOf),
    workers: new Map(),
    coordinators: new Map(),
    finish(reason: 'completed' | 'rolled-back') {
      outcome = reason;
      trace.log(clock.now, '-', 'run-end', reason);
      clock.stop();
    },
  } as unknown as SimContext;
  ctx.rollback = new RollbackProtocol(ctx);
  for (const spec of config.workers) ctx.workers.set(spec.id, new WorkerAgent(ctx, spec, new AgentHealth(spec.id, faults, config.triggers)));
  ctx.coordinators.set(config.coordinator, new CoordinatorNode(ctx, config.coordinator, config.standby));
  if (config.standby) ctx.coordinators.set(config.standby, new CoordinatorNode(ctx, config.standby, config.coordinator));
  for (const fault of faults) scheduleFault(ctx, fault);
  ctx.coordinators.get(config.coordinator)!.start(true);
  if (config.standby) ctx.coordinators.get(config.standby)!.start(false);
  for (const w of ctx.workers.values()) w.start();
  return { ctx, faults, outcome: () => outcome };
}

function result(built: ReturnType<typeof build>, seed: number): RunResult {
  const { ctx, faults } = built;
  const outcome = built.outcome();
  const endedAt = ctx.clock.now;
  // A run that stopped early is judged on the waves it reached: a day of waves it never started
  // would only be drawn here to be called missing.
  const keys = ctx.workload.keys(outcome === 'completed' ? ctx.workload.waveCount : Math.max(1, ctx.record.waves.length));
  const store = ctx.store.verify(keys, ctx.work.expectedModel);
  const violations = checkInvariants({ config: ctx.config, faults, record: ctx.record, store, outcome, endedAt, attempts: ctx.store.attempts, keys });
  return { seed, config: ctx.config, faults, outcome, endedAt, record: ctx.record, store, violations, trace: ctx.trace, events: ctx.clock.fired, network: ctx.net.stats };
}

/** Runs one seed of a simulated (DAG) swarm. */
export function runSwarm(config: SwarmConfig, options: RunOptions): RunResult {
  const built = build(config, options);
  built.ctx.clock.run(config.durationMs);
  return result(built, options.seed);
}

/** Runs one seed whose workers do real work; the schedule is still in virtual time. */
export async function runSwarmAsync(config: SwarmConfig, options: RunOptions): Promise<RunResult> {
  const built = build(config, options);
  await built.ctx.clock.runAsync(config.durationMs, options.signal);
  return result(built, options.seed);
}

function scheduleFault(ctx: SimContext, fault: FaultSpec): void {
  const { clock, trace } = ctx;
  const agentOf = (id: string) => ctx.workers.get(id) ?? ctx.coordinators.get(id);
  const describe = JSON.stringify(fault).replace(/[{}"]/g, '').replace(/,/g, ' ');
  clock.at(fault.at, () => {
    trace.log(clock.now, faultAgents(fault).join('+') || '-', `fault:${fault.type}`, describe);
    switch (fault.type) {
      case 'crash': {
        const agent = agentOf(fault.agent)!;
        if (!agent.up) return;
        agent.crash();
        const down: RunRecord['downs'][number] = { agent: fault.agent, from: clock.now };
        ctx.record.downs.push(down);
        if (fault.restartAfterMs !== undefined) {
          clock.after(fault.restartAfterMs, () => {
            down.to = clock.now;
            trace.log(clock.now, fault.agent, 'restart');
            agent.restart();
          });
        }
        return;
      }
      case 'hang': {
        const w = ctx.workers.get(fault.agent)!;
        w.hungUntil = Math.max(w.hungUntil, fault.at + fault.forMs);
        return;
      }
      case 'slow': {
        const w = ctx.workers.get(fault.agent)!;
        w.slowFactor *= fault.factor;
        clock.after(fault.forMs, () => (w.slowFactor /= fault.factor));
        return;
      }
      case 'byzantine':
        ctx.workers.get(fault.agent)!.byzantine = true;
        return;
      case 'stale-model':
        ctx.workers.get(fault.agent)!.stale = true;
        return;
      case 'partition': {
        const id = ctx.net.partition(fault.agents);
        clock.after(fault.forMs, () => {
          trace.log(clock.now, fault.agents.join('+'), 'heal');
          ctx.net.heal(id);
        });
        return;
      }
      case 'drop':
        ctx.net.addLoss(fault.rate);
        clock.after(fault.forMs, () => ctx.net.addLoss(-fault.rate));
        return;
      case 'delay':
        ctx.net.addDelay(fault.extraMs);
        clock.after(fault.forMs, () => ctx.net.addDelay(-fault.extraMs));
        return;
      case 'corruption': {
        const key = ctx.store.corrupt(Prng.stream(ctx.seed, `corrupt:${fault.at}`).nextU32());
        ctx.record.corruptions.push({ at: clock.now, ...(key ? { key } : {}) });
        return;
      }
      default:
        return; // health faults shape the agents' signals (health.ts)
    }
  });
}
