// Generated bodies replay from their seed, and the oracle judges from the OpenAI request.
import { describe, expect, it } from 'vitest';
import { generatedCases, oracle } from './generated.ts';

const ENV = { modelId: 'm', dimensions: 8, maxInputs: 4 };

describe('generated bodies', () => {
  it('are the same bodies for the same seed, and others for another', () => {
    const bodies = (seed: number) => generatedCases(ENV, seed, 50).map((c) => c.request.body!.toString());
    expect(bodies(3)).toEqual(bodies(3));
    expect(bodies(4)).not.toEqual(bodies(3));
    expect(generatedCases(ENV, 3, 5).map((c) => c.replay)).toEqual([0, 1, 2, 3, 4].map((index) => ({ seed: 3, index })));
  });

  it('mix valid bodies, faulty ones and odd ones', () => {
    const kinds = new Set(generatedCases(ENV, 1, 200).map((c) => c.expect.kind));
    expect([...kinds].sort()).toEqual(['accept', 'either', 'reject']);
  });

  it('oracle: valid requests embed, each fault is named, odd inputs may go either way', () => {
    expect(oracle({ input: 'a' }, ENV)).toEqual({ expect: { kind: 'accept' }, inputs: ['a'] });
    expect(oracle({ model: 'm', input: ['a', 'b'], dimensions: 4, encoding_format: 'base64' }, ENV)).toEqual({ expect: { kind: 'accept' }, inputs: ['a', 'b'], dimensions: 4 });
    expect(oracle({ model: 'x', input: ['a', ''], dimensions: 9 }, ENV).expect).toEqual({ kind: 'reject', param: ['model', 'input[1]', 'dimensions'] });
    expect(oracle({ input: ['a', 'b', 'c', 'd', 'e'] }, ENV).expect).toEqual({ kind: 'reject', param: ['input'] });
    expect(oracle(['a'], ENV).expect).toEqual({ kind: 'reject' });
    expect(oracle({ input: [1, 2] }, ENV).expect).toEqual({ kind: 'either', param: 'input' });
    expect(oracle({ input: '\ud800' }, ENV).expect.kind).toBe('either');
    expect(oracle({ input: [1, 2], encoding_format: 'x' }, ENV).expect).toEqual({ kind: 'reject', param: ['encoding_format', 'input'] });
  });
});
