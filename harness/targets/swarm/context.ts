// What every agent of a run shares: configuration, virtual clock, network, trace, record, store
// and the work backend. Agents talk only through `net`; they never call each other directly
// except inside a delivery.
import type { VirtualClock } from './clock.ts';
import type { AgentSpec, SwarmConfig } from './config.ts';
import type { CoordinatorNode } from './coordinator.ts';
import type { Network } from './network.ts';
import { Prng } from '../../random.ts';
import type { RunRecord } from './record.ts';
import type { RollbackProtocol } from './rollback.ts';
import type { EmbeddingStore } from './store.ts';
import type { Trace } from './trace.ts';
import type { Workload } from './workload.ts';
import type { WorkBackend } from './work.ts';
import type { WorkerAgent } from './worker.ts';

export interface SimContext {
  config: SwarmConfig;
  seed: number;
  clock: VirtualClock;
  net: Network;
  trace: Trace;
  record: RunRecord;
  store: EmbeddingStore;
  work: WorkBackend;
  workload: Workload;
  rollback: RollbackProtocol;
  workers: Map<string, WorkerAgent>;
  coordinators: Map<string, CoordinatorNode>;
  /** Ends the run (all waves committed, or rollback finished). */
  finish(reason: 'completed' | 'rolled-back'): void;
}

export function workerSpec(ctx: SimContext, id: string): AgentSpec {
  return ctx.config.workers.find((w) => w.id === id)!;
}

/** Named random streams of a run: one per purpose, so draws in one never shift another. */
export function streamOf(ctx: Pick<SimContext, 'seed'>, name: string): Prng {
  return Prng.stream(ctx.seed, name);
}

export const RETRY_MS = 5_000;

/**
 * Sends until `done()` says the receiver acknowledged (or the sender gave up), every RETRY_MS.
 * Receivers deduplicate, so a retransmission is harmless.
 */
export function sendReliably(ctx: SimContext, from: string, to: string, deliver: () => void, done: () => boolean): void {
  const attempt = () => {
    if (done() || ctx.clock.isStopped) return;
    ctx.net.send(from, to, deliver);
    ctx.clock.after(RETRY_MS, attempt);
  };
  attempt();
}
