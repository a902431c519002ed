// Typed failures of the GGUF target. Messages name the model file, say what went wrong and what
// to do, so a runner can put them in a report as they are.
import type { EmbedErrorCode } from './protocol.ts';

export type ModelLoadStage = 'preflight' | 'checksum' | 'spawn' | 'load' | 'abort' | 'timeout' | 'options';

/** The model never became ready: the suite could not run against it. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly modelPath: string,
    readonly stage: ModelLoadStage,
    /** Short cause, e.g. "worker aborted (SIGABRT): GGML_ASSERT(...) failed". */
    readonly reason: string,
    readonly hint: string,
    readonly details: { signal?: string; exitCode?: number; stderrTail?: string; pid?: number; cause?: unknown } = {},
  ) {
    super(`cannot load model ${modelPath}: ${reason}. ${hint}`, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** One embed call failed; the target may still be usable unless code is worker-died or closed. */
export class EmbedError extends Error {
  override readonly name = 'EmbedError';
  constructor(
    readonly code: EmbedErrorCode,
    message: string,
    readonly index?: number,
  ) {
    super(message);
  }
}
