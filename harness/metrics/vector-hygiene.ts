// Checks every vector the harness receives. NaN, all-zero and wrong-length vectors are the
// faults teams report right after a model switch, so they are counted, never ignored.

export type VectorFault = 'non-finite' | 'all-zero' | 'wrong-dimension';

export interface VectorHygiene {
  checked: number;
  invalid: number;
  faults: Record<VectorFault, number>;
  /** Up to a few examples, for the report. */
  examples: { index: number; fault: VectorFault }[];
}

export function emptyHygiene(): VectorHygiene {
  return { checked: 0, invalid: 0, faults: { 'non-finite': 0, 'all-zero': 0, 'wrong-dimension': 0 }, examples: [] };
}

export function vectorFault(vector: ArrayLike<number>, dimensions: number): VectorFault | undefined {
  if (vector.length !== dimensions) return 'wrong-dimension';
  let nonZero = false;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) return 'non-finite';
    if (x !== 0) nonZero = true;
  }
  return nonZero ? undefined : 'all-zero';
}

/** Adds the vectors of one call to a running tally. */
export function inspectVectors(
  tally: VectorHygiene,
  vectors: ArrayLike<number>[],
  dimensions: number,
): VectorHygiene {
  for (const vector of vectors) {
    const fault = vectorFault(vector, dimensions);
    const index = tally.checked++;
    if (!fault) continue;
    tally.invalid++;
    tally.faults[fault]++;
    if (tally.examples.length < 5) tally.examples.push({ index, fault });
  }
  return tally;
}
