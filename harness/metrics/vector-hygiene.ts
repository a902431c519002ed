// Checks every vector the harness receives. NaN, all-zero and wrong-length vectors are the
// faults teams report right after a model switch, so they are counted, never ignored. So is a
// vector whose norm is far from 1 from a model that normalises its output (a half-applied
// normalisation, a mixed-up pooling): cosine hides it, a dot-product index does not.

export type VectorFault = 'non-finite' | 'all-zero' | 'wrong-dimension' | 'norm-off';

/** How far from 1 a norm may be before a normalising model's vector counts as wrong. */
export const NORM_TOLERANCE = 0.01;
/** A model whose vectors are this often of unit norm is taken to normalise (when not told). */
const NORMALISED_SHARE = 0.9;
const MIN_VECTORS_TO_INFER = 10;

export interface VectorHygiene {
  checked: number;
  invalid: number;
  faults: Record<VectorFault, number>;
  /** Up to a few examples, for the report. */
  examples: { index: number; fault: VectorFault }[];
  /** Norm of every vector checked (NaN for one with another fault); read by finishHygiene. */
  norms: number[];
  /** Set by finishHygiene: whether norms were checked against 1, and whether that was inferred. */
  normalised?: { value: boolean; inferred: boolean };
}

export function emptyHygiene(): VectorHygiene {
  return { checked: 0, invalid: 0, faults: { 'non-finite': 0, 'all-zero': 0, 'wrong-dimension': 0, 'norm-off': 0 }, examples: [], norms: [] };
}

export function vectorFault(vector: ArrayLike<number>, dimensions: number): Exclude<VectorFault, 'norm-off'> | undefined {
  if (vector.length !== dimensions) return 'wrong-dimension';
  let nonZero = false;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) return 'non-finite';
    if (x !== 0) nonZero = true;
  }
  return nonZero ? undefined : 'all-zero';
}

function record(tally: VectorHygiene, index: number, fault: VectorFault): void {
  tally.invalid++;
  tally.faults[fault]++;
  if (tally.examples.length < 5) tally.examples.push({ index, fault });
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
    if (!fault) {
      let s = 0;
      for (let i = 0; i < vector.length; i++) s += vector[i]! * vector[i]!;
      tally.norms.push(Math.sqrt(s));
      continue;
    }
    tally.norms.push(Number.NaN);
    record(tally, index, fault);
  }
  return tally;
}

/**
 * Ends a tally: counts norm faults when the model normalises. `normalised` says so explicitly;
 * left out, it is inferred (most vectors of unit norm means the model normalises, and the few
 * others are faults). Call once, after the last inspectVectors.
 */
export function finishHygiene(tally: VectorHygiene, opts: { normalised?: boolean; tolerance?: number } = {}): VectorHygiene {
  const tolerance = opts.tolerance ?? NORM_TOLERANCE;
  const valid = tally.norms.filter((n) => !Number.isNaN(n));
  const unit = valid.filter((n) => Math.abs(n - 1) <= tolerance).length;
  const normalised =
    opts.normalised ?? (valid.length >= MIN_VECTORS_TO_INFER && unit >= NORMALISED_SHARE * valid.length);
  tally.normalised = { value: normalised, inferred: opts.normalised === undefined };
  if (normalised) {
    tally.norms.forEach((n, index) => {
      if (!Number.isNaN(n) && Math.abs(n - 1) > tolerance) record(tally, index, 'norm-off');
    });
  }
  return tally;
}
