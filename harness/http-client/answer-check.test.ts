// The answer checker on hand-made answers: each way an embeddings answer can be wrong is counted
// under its own reason, and a right answer under none.
import { describe, expect, it } from 'vitest';
import { AnswerChecker, inputsOfBody } from './answer-check.ts';

const b64 = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64');
const answer = (...vectors: (number[] | string)[]) => JSON.stringify({ object: 'list', data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })) });

describe('AnswerChecker', () => {
  it('accepts right answers, as float arrays or base64, and counts each wrong one under its reason', () => {
    const c = new AnswerChecker({ dimensions: 2, normalised: true });
    expect(c.check(answer([0.6, 0.8]), ['a'])).toBeUndefined();
    expect(c.check(answer(b64([0, 1]), b64([1, 0])), ['b', 'c'])).toBeUndefined();
    expect(c.check('{"data":[', ['a'])).toBe('json');
    expect(c.check('{"error":{}}', ['a'])).toBe('shape');
    expect(c.check(answer('!!!'), ['a'])).toBe('shape');
    expect(c.check(answer([0.6, 0.8]), ['a', 'b'])).toBe('count');
    expect(c.check(JSON.stringify({ data: [{ index: 1, embedding: [1, 0] }, { index: 0, embedding: [0, 1] }] }), ['b', 'c'])).toBe('order');
    expect(c.check(answer([1]), ['d'])).toBe('wrong-dimension');
    expect(c.check(answer(b64([Number.NaN, 0])), ['d'])).toBe('non-finite');
    expect(c.check(answer([0.5, 0.5]), ['d'])).toBe('norm-off');
    expect(c.check(answer([0, 0]), ['d'])).toBe('all-zero');
    expect(c.check(answer([0.8, 0.6]), ['a'])).toBe('inconsistent');
    expect(c.check(answer([0.6, 0.8]), ['a'])).toBeUndefined();
    expect(c.checked).toBe(13);
    expect(c.invalid).toEqual({ total: 10, byReason: { json: 1, shape: 2, count: 1, order: 1, 'wrong-dimension': 1, 'non-finite': 1, 'norm-off': 1, 'all-zero': 1, inconsistent: 1 } });
  });

  it('without a given dimension, holds every answer to the first one; without normalisation, any norm', () => {
    const c = new AnswerChecker();
    expect(c.check(answer([3, 4, 0]), ['a'])).toBeUndefined();
    expect(c.check(answer([3, 4]), ['b'])).toBe('wrong-dimension');
  });

  it('checks the given share of answers, evenly spaced', () => {
    const c = new AnswerChecker({ share: 0.25 });
    expect(Array.from({ length: 8 }, () => c.wants()).filter(Boolean)).toHaveLength(2);
  });

  it('forgets the oldest texts beyond its bound', () => {
    const c = new AnswerChecker({ maxTexts: 1 });
    c.check(answer([1, 0]), ['a']);
    c.check(answer([0, 1]), ['b']);
    expect(c.check(answer([0, 1]), ['a'])).toBeUndefined();
    expect(c.check(answer([1, 0]), ['a'])).toBe('inconsistent');
  });

  it('reads the inputs of a request body', () => {
    expect(inputsOfBody('{"input":"x"}')).toEqual(['x']);
    expect(inputsOfBody('{"input":["x","y"]}')).toEqual(['x', 'y']);
    expect(inputsOfBody('{}')).toBeUndefined();
    expect(inputsOfBody('not json')).toBeUndefined();
  });
});
