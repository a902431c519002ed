// Statistics across a soak's windows that stay the same size however long the run: a day of 1 s
// windows is 86,400 of them, so nothing here keeps one entry per window.
//   - RunningStats: Welford's mean and variance (the coefficient of variation of per-window p95);
//   - CompactPoints: the memory points the leak verdict is fitted to, at most `cap` of them. When
//     full, neighbours are merged pairwise (mean of their x and y, their point counts added), so
//     each kept point stands for 2, 4, 8… consecutive windows in order, and the last third of the
//     points is still the last third of the run. Theil–Sen over `cap` points stays cheap (cap²/2
//     pairs) where 86,400 windows would be 3.7e9 pairs.
import type { WindowPoint } from '../memory/leak-windows.ts';

export class RunningStats {
  count = 0;
  mean = 0;
  min = Infinity;
  max = -Infinity;
  private m2 = 0;

  add(v: number): void {
    if (!Number.isFinite(v)) return;
    this.count++;
    const d = v - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (v - this.mean);
    this.min = Math.min(this.min, v);
    this.max = Math.max(this.max, v);
  }

  /** Sample standard deviation (n − 1); 0 for fewer than 2 values. */
  get sd(): number {
    return this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0;
  }

  /** sd / mean; undefined without two values or with a mean of 0. */
  get cv(): number | undefined {
    return this.count > 1 && this.mean > 0 ? this.sd / this.mean : undefined;
  }
}

/** The most points kept for a leak verdict: with 1,440 one-minute windows a point then stands for 8 windows. */
export const MAX_LEAK_POINTS = 256;

export class CompactPoints {
  private points: WindowPoint[] = [];
  /** Windows each kept point stands for (the open one fills up to this before a new one starts). */
  private span = 1;
  private open: { x: number; y: number; n: number; windows: number } | undefined;
  windows = 0;

  constructor(private readonly cap = MAX_LEAK_POINTS) {
    if (cap < 4 || cap % 2 !== 0) throw new Error(`CompactPoints: cap ${cap} must be even and at least 4`);
  }

  add(p: WindowPoint): void {
    this.windows++;
    const o = (this.open ??= { x: 0, y: 0, n: 0, windows: 0 });
    o.x += p.x;
    o.y += p.y;
    o.n += p.n;
    o.windows++;
    if (o.windows < this.span) return;
    this.points.push({ x: o.x / o.windows, y: o.y / o.windows, n: o.n });
    this.open = undefined;
    if (this.points.length < this.cap) return;
    const merged: WindowPoint[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const a = this.points[i]!;
      const b = this.points[i + 1]!;
      merged.push({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, n: a.n + b.n });
    }
    this.points = merged;
    this.span *= 2;
  }

  /** The kept points, the partly filled last one included (it holds the newest windows). */
  list(): WindowPoint[] {
    const o = this.open;
    return o ? [...this.points, { x: o.x / o.windows, y: o.y / o.windows, n: o.n }] : [...this.points];
  }

  /** Windows each kept point stands for. */
  get windowsPerPoint(): number {
    return this.span;
  }
}
