// Messages between the harness and the GGUF worker process. Types only: both sides import this,
// and the harness must never import anything that loads node-llama-cpp's native addon.

/** What happens to a text longer than the context: fail the request, or keep its first tokens. */
export type OverflowPolicy = 'error' | 'truncate';

/** Passed to the worker as JSON in argv[2]. */
export interface WorkerConfig {
  modelPath: string;
  contexts: number;
  /** Threads per context; undefined = node-llama-cpp's default (benchmarks compare against it). */
  threads?: number;
  /** Tokens per context; capped at the model's trained context. Default min(trained, 8192). */
  contextSize?: number;
  overflow: OverflowPolicy;
}

/** Facts the worker read from the loaded model; the harness turns them into ModelInfo. */
export interface WorkerFacts {
  architecture: string;
  /** Length of the vectors llama.cpp returns (n_embd_out). */
  dimensions: number;
  /** From `<arch>.pooling_type`: none | mean | cls | last | rank | unspecified. */
  pooling: string;
  trainContextSize: number;
  /** Tokens a single input may use, BOS/EOS included (contextSize - 1). */
  maxInputTokens: number;
  contextSize: number;
  layers?: number;
  quantization?: string;
  vocabularySize: number;
  contexts: number;
  /** Threads per context as node-llama-cpp resolved them. */
  threads: number;
  maxThreads: number;
  cpuMathCores: number;
  llamaCppRelease: string;
  overflow: OverflowPolicy;
  loadMs: number;
}

export type WorkerRequest =
  /**
   * each: false (default) = all or nothing, the first failing text fails the call, one 'result'
   * reply. each: true = one 'item' message per text as soon as that text is done, success or
   * error: the server batches texts of unrelated requests, so one bad text must not fail the
   * others, and a short text must not wait for a long one sent beside it.
   */
  | { id: number; type: 'embed'; texts: string[]; each?: boolean }
  | { id: number; type: 'info' }
  | { id: number; type: 'shutdown' };

export type EmbedErrorCode = 'input-too-long' | 'empty-input' | 'embed-failed' | 'worker-died' | 'closed' | 'bad-request';

export interface WireError {
  code: EmbedErrorCode;
  message: string;
  /** Index of the offending text within the request, when one text caused it. */
  index?: number;
}

/** One text's outcome in an 'item' message. */
export type TextResult = { vector: Float32Array; tokens: number; truncated: boolean } | { error: WireError };

export type WorkerMessage =
  | { type: 'ready'; facts: WorkerFacts }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; vectors: Float32Array[]; truncated: number[]; tokens: number[] }
  | { type: 'item'; id: number; index: number; item: TextResult }
  | { type: 'info'; id: number; facts: WorkerFacts }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'bye'; id: number };
