// The simulated network: per-message latency with jitter, random loss, and injected faults
// (partitions, extra drop rate, extra delay). A message crossing a partition is lost, whether the
// partition was there when it was sent or appeared while it was in flight.
import type { VirtualClock } from './clock.ts';
import type { Prng } from '../../random.ts';

export interface NetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  partitioned: number;
}

interface Partition {
  id: number;
  agents: Set<string>;
}

export class Network {
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, partitioned: 0 };
  private partitions: Partition[] = [];
  private nextPartition = 0;
  private extraLoss = 0;
  private extraDelayMs = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly rng: Prng,
    private readonly spec: { latencyMs: number; jitterMs: number; loss: number },
  ) {}

  /** Whether a message from `a` could reach `b` right now (both on the same side of every partition). */
  connected(a: string, b: string): boolean {
    for (const p of this.partitions) if (p.agents.has(a) !== p.agents.has(b)) return false;
    return true;
  }

  /** Sends one message; `deliver` runs at the receiver after the latency, unless the message is lost. */
  send(from: string, to: string, deliver: () => void): void {
    this.stats.sent++;
    if (!this.connected(from, to)) {
      this.stats.partitioned++;
      return;
    }
    if (this.rng.chance(Math.min(1, this.spec.loss + this.extraLoss))) {
      this.stats.lost++;
      return;
    }
    const delay = this.spec.latencyMs + this.rng.next() * this.spec.jitterMs + this.extraDelayMs;
    this.clock.after(delay, () => {
      if (!this.connected(from, to)) {
        this.stats.partitioned++;
        return;
      }
      this.stats.delivered++;
      deliver();
    });
  }

  /** The longest a delivered message can take right now; timeouts are set above it. */
  get maxDelayMs(): number {
    return this.spec.latencyMs + this.spec.jitterMs + this.extraDelayMs;
  }

  partition(agents: string[]): number {
    const id = this.nextPartition++;
    this.partitions.push({ id, agents: new Set(agents) });
    return id;
  }

  heal(id: number): void {
    this.partitions = this.partitions.filter((p) => p.id !== id);
  }

  addLoss(rate: number): void {
    this.extraLoss += rate;
  }

  addDelay(ms: number): void {
    this.extraDelayMs += ms;
  }
}
