// Why a report file could not be read as this run's evidence. The runner turns it into an
// unmeasured reason, so checks that read its metrics are inconclusive with it, never a pass.
export class ReportError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}${col !== undefined ? `:${col}` : ''}` : ''}: ${reason}`);
  }
}
