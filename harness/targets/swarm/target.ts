// `target: { swarm: simulated }`: the swarm simulation alone, with simulated work. It stands in the
// run loop's target slot but has no model and embeds nothing; the swarm runner knows it by kind.
import type { ModelInfo, TargetDescription } from '../../result.ts';
import type { EmbeddingTarget } from '../target.ts';

export class SimulationOnlyTarget implements EmbeddingTarget {
  constructor(private readonly name: string) {}

  describe(): TargetDescription {
    return { ref: `swarm:${this.name}`, kind: 'swarm' };
  }

  info(): ModelInfo {
    throw new Error('the simulated swarm has no model; give the suite a gguf or http target for real work');
  }

  embed(): Promise<Float32Array[]> {
    return Promise.reject(new Error('the simulated swarm embeds nothing; give the suite a gguf or http target for real work'));
  }

  async close(): Promise<void> {}
}

/** Whether a target is the simulation alone (no embedder behind it). */
export function isSimulationOnly(target: EmbeddingTarget): boolean {
  return target.describe().kind === 'swarm';
}
