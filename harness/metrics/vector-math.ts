// Similarity arithmetic shared by the accuracy runner and golden recording.

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** Cosine similarity; NaN when either vector has zero length or the lengths differ. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.NaN;
  const d = norm(a) * norm(b);
  return d === 0 ? Number.NaN : dot(a, b) / d;
}

/** Squared error of a against reference b, over the reference's energy. */
export function normalisedSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let energy = 0;
  for (let i = 0; i < b.length; i++) {
    const diff = (a[i] ?? 0) - b[i]!;
    err += diff * diff;
    energy += b[i]! * b[i]!;
  }
  return energy === 0 ? Number.NaN : err / energy;
}
