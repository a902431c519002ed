// What a runner needs from a system under test. gguf and http targets implement it.
import type { ModelInfo, TargetDescription } from '../result.ts';

export interface EmbeddingTarget {
  describe(): TargetDescription;
  /** Model facts read from GGUF metadata (gguf) or reported by the server (http). */
  info(): ModelInfo;
  /** Embeds raw texts, prefixes already applied by the caller. One vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Like embed, with the number of tokens each text became, when the target can tell. */
  embedDetailed?(texts: string[]): Promise<{ vectors: Float32Array[]; tokens?: number[] }>;
  close(): Promise<void>;
}
