// `target: { swarm: simulated }`: the swarm simulation alone, with simulated work. It stands in the
// run loop's target slot with no capability at all: no model, no embedding, no process. The swarm
// runner does simulated work when its target cannot embed.
import type { TargetDescription } from '../../result.ts';
import type { Target } from '../target.ts';

export class SimulationOnlyTarget implements Target {
  constructor(private readonly name: string) {}

  describe(): TargetDescription {
    return { ref: `swarm:${this.name}`, kind: 'swarm' };
  }

  async close(): Promise<void> {}
}
