import { describe, expect, it } from 'vitest';
import { emptyHygiene, finishHygiene, inspectVectors } from './vector-hygiene.ts';

const unit = (dims: number, i: number) => Float32Array.from({ length: dims }, (_, j) => (j === i % dims ? 1 : 0));
const scaled = (v: Float32Array, s: number) => v.map((x) => x * s);

describe('vector hygiene', () => {
  it('counts NaN/Inf, all-zero and wrong-dimension vectors', () => {
    const tally = inspectVectors(emptyHygiene(), [unit(4, 0), Float32Array.of(1, Number.NaN, 0, 0), new Float32Array(4), unit(3, 0), Float32Array.of(Infinity, 0, 0, 0)], 4);
    finishHygiene(tally);
    expect(tally.faults).toEqual({ 'non-finite': 2, 'all-zero': 1, 'wrong-dimension': 1, 'norm-off': 0 });
    expect(tally.invalid).toBe(4);
    expect(tally.examples.map((e) => e.index)).toEqual([1, 2, 3, 4]);
  });

  it('infers that a model normalises and flags the vector whose norm is far from 1', () => {
    const vectors = Array.from({ length: 20 }, (_, i) => unit(8, i));
    vectors[7] = scaled(vectors[7]!, 3.2);
    const tally = finishHygiene(inspectVectors(emptyHygiene(), vectors, 8));
    expect(tally.normalised).toEqual({ value: true, inferred: true });
    expect(tally.faults['norm-off']).toBe(1);
    expect(tally.examples).toEqual([{ index: 7, fault: 'norm-off' }]);
  });

  it('leaves raw (unnormalised) vectors alone unless told the model normalises', () => {
    const vectors = Array.from({ length: 20 }, (_, i) => scaled(unit(8, i), 1 + i * 0.3));
    expect(finishHygiene(inspectVectors(emptyHygiene(), vectors, 8)).invalid).toBe(0);
    const told = finishHygiene(inspectVectors(emptyHygiene(), vectors, 8), { normalised: true });
    expect(told.faults['norm-off']).toBe(19); // all but the first, which has norm 1
  });
});
