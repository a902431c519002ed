// What a check over windows keeps of the windows it judged, in fixed size however many close (a
// day of 1 s windows is 86,400): counts, the first failing window, the first that could not be
// judged, the passing window closest to failing, and with `last: N` only the last N windows.
import type { JudgedWindow } from './windows.ts';

export interface TallySummary {
  closed: number;
  counted: number;
  judged: number;
  failed: number;
  firstFailure?: JudgedWindow;
  firstUnjudged?: JudgedWindow;
  /** The passing window closest to failing, for an ordering comparison; undefined for == and !=. */
  tightest?: JudgedWindow;
}

class Counts {
  counted = 0;
  judged = 0;
  failed = 0;
  firstFailure: JudgedWindow | undefined;
  firstUnjudged: JudgedWindow | undefined;
  tightest: JudgedWindow | undefined;
  private margin = Infinity;

  constructor(private readonly sign: number) {}

  add(w: JudgedWindow): void {
    this.counted++;
    const status = w.verdict.status;
    if (status === 'inconclusive') {
      this.firstUnjudged ??= w;
      return;
    }
    this.judged++;
    if (status === 'fail') {
      this.failed++;
      this.firstFailure ??= w;
      return;
    }
    if (this.sign === 0 || w.verdict.left === undefined || w.verdict.right === undefined) return;
    const margin = this.sign * (w.verdict.right - w.verdict.left);
    if (margin < this.margin) [this.tightest, this.margin] = [w, margin];
  }
}

export class WindowTally {
  closed = 0;
  private readonly all: Counts;
  /** With `last`, the last N windows (a ring); their counts are taken when concluded. */
  private readonly ring: JudgedWindow[] = [];
  private next = 0;

  constructor(
    private readonly operator: string,
    private readonly last?: number,
  ) {
    this.all = new Counts(signOf(operator));
  }

  add(w: JudgedWindow): void {
    this.closed++;
    if (this.last === undefined) return this.all.add(w);
    if (this.ring.length < this.last) this.ring.push(w);
    else this.ring[this.next] = w;
    this.next = (this.next + 1) % this.last;
  }

  summary(): TallySummary {
    let c = this.all;
    if (this.last !== undefined) {
      c = new Counts(signOf(this.operator));
      const start = this.ring.length < this.last ? 0 : this.next;
      for (let i = 0; i < this.ring.length; i++) c.add(this.ring[(start + i) % this.ring.length]!);
    }
    return {
      closed: this.closed,
      counted: c.counted,
      judged: c.judged,
      failed: c.failed,
      ...(c.firstFailure ? { firstFailure: c.firstFailure } : {}),
      ...(c.firstUnjudged ? { firstUnjudged: c.firstUnjudged } : {}),
      ...(c.tightest ? { tightest: c.tightest } : {}),
    };
  }
}

const signOf = (operator: string) => (operator.startsWith('<') ? 1 : operator.startsWith('>') ? -1 : 0);
