// The one error type for a GGUF file that must not reach llama.cpp (which aborts on bad files).

export interface GgufFileErrorDetails {
  /** What is wrong, in words. */
  reason: string;
  /** Byte offset in the file where the problem was found, when there is one. */
  offset?: number;
  /** What the user can do about it. */
  hint: string;
}

export class GgufFileError extends Error {
  readonly path: string;
  readonly reason: string;
  readonly offset?: number;
  readonly hint: string;

  constructor(path: string, details: GgufFileErrorDetails) {
    const where = details.offset === undefined ? '' : ` (at byte ${details.offset})`;
    super(`${path}: ${details.reason}${where}. ${details.hint}`);
    this.name = 'GgufFileError';
    this.path = path;
    this.reason = details.reason;
    if (details.offset !== undefined) this.offset = details.offset;
    this.hint = details.hint;
  }
}
