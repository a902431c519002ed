import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { parseEmbeddingRequest } from './validate-request.ts';

const limits = { maxInputs: 4, modelDimensions: 8, modelIds: ['baseline', 'baseline.gguf'] };

function failure(body: string): ApiError {
  try {
    parseEmbeddingRequest(body, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error(`accepted ${body}`);
}

describe('parseEmbeddingRequest', () => {
  it('accepts a string, an array, an alias of the model, base64 and dimensions', () => {
    expect(parseEmbeddingRequest('{"input":"a","model":"baseline"}', limits)).toEqual({ texts: ['a'], model: 'baseline', encoding: 'float', dimensions: undefined });
    expect(parseEmbeddingRequest('{"input":["a","b"],"model":"baseline.gguf","encoding_format":"base64","dimensions":3}', limits)).toMatchObject({
      texts: ['a', 'b'],
      encoding: 'base64',
      dimensions: 3,
    });
    expect(parseEmbeddingRequest('{"input":"no model given"}', limits).model).toBeUndefined();
  });

  it.each([
    ['{"input": "a",', 400, 'invalid_json', null],
    ['[1,2]', 400, 'invalid_type', null],
    ['"text"', 400, 'invalid_type', null],
    ['{}', 400, 'missing_required_parameter', 'input'],
    ['{"input": 5}', 400, 'invalid_type', 'input'],
    ['{"input": {"a": 1}}', 400, 'invalid_type', 'input'],
    ['{"input": ""}', 400, 'empty_input', 'input'],
    ['{"input": []}', 400, 'empty_input', 'input'],
    ['{"input": ["a", ""]}', 400, 'empty_input', 'input[1]'],
    ['{"input": ["a", null]}', 400, 'invalid_type', 'input[1]'],
    ['{"input": [[1, 2, 3]]}', 400, 'invalid_type', 'input[0]'],
    ['{"input": ["a","b","c","d","e"]}', 400, 'too_many_inputs', 'input'],
    ['{"input": "a", "model": 3}', 400, 'invalid_type', 'model'],
    ['{"input": "a", "model": "gpt-4"}', 404, 'model_not_found', 'model'],
    ['{"input": "a", "encoding_format": "int8"}', 400, 'invalid_value', 'encoding_format'],
    ['{"input": "a", "dimensions": 0}', 400, 'invalid_value', 'dimensions'],
    ['{"input": "a", "dimensions": 9}', 400, 'invalid_value', 'dimensions'],
    ['{"input": "a", "dimensions": 2.5}', 400, 'invalid_value', 'dimensions'],
    ['{"input": "a", "dimensions": "4"}', 400, 'invalid_value', 'dimensions'],
  ])('%s → %i %s (param %s)', (body, status, code, param) => {
    const err = failure(body);
    expect(err.status).toBe(status);
    expect(err.body()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param, code } });
    expect(err.message.length).toBeGreaterThan(20); // a sentence, not a code
  });

  it('names the model the server does serve when the client asks for another', () => {
    expect(failure('{"input":"a","model":"text-embedding-3-small"}').message).toMatch(/serves 'baseline'/);
  });
});
