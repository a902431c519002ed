// The event trace of a run: one text line per event, in virtual time. Replaying a seed must give
// the same trace byte for byte, so lines hold only virtual time and simulation facts. A sweep
// keeps only a running digest of the lines; a replay keeps the lines themselves.

export type TraceMode = 'keep' | 'digest';

export class Trace {
  private readonly kept: string[] = [];
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;
  private count = 0;

  constructor(private readonly mode: TraceMode = 'keep') {}

  log(time: number, agent: string, event: string, detail = ''): void {
    const line = detail ? `${formatVirtualTime(time)} ${agent} ${event} ${detail}` : `${formatVirtualTime(time)} ${agent} ${event}`;
    this.count++;
    if (this.mode === 'keep') this.kept.push(line);
    let a = this.h1;
    let b = this.h2;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    this.h1 = Math.imul(a ^ 10, 0x01000193) >>> 0;
    this.h2 = Math.imul(b ^ 10, 0x5bd1e995) >>> 0;
  }

  get lines(): readonly string[] {
    return this.kept;
  }

  get length(): number {
    return this.count;
  }

  /** 64 bits of digest over every line, whether or not the lines were kept. */
  digest(): string {
    return this.h1.toString(16).padStart(8, '0') + this.h2.toString(16).padStart(8, '0');
  }

  text(): string {
    return this.kept.length > 0 ? `${this.kept.join('\n')}\n` : '';
  }
}

/** Virtual time as h:mm:ss.mmm (hours grow past 24 for long runs). */
export function formatVirtualTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const min = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const milli = ms % 1000;
  return `${h}:${String(min).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(milli).padStart(3, '0')}`;
}
