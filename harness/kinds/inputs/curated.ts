// The curated bad bodies: each a way real clients get a request wrong, with what a right answer
// is. Bodies are built from the target's own facts (model id, dimensions, limits), so "too many"
// and "too long" are really over the target's limits.
import { jsonRequest, rawRequest, type Expectation, type InputCase } from './case.ts';

export interface CuratedEnv {
  modelId: string;
  dimensions: number;
  bodyLimit: number;
  maxInputs: number;
  /** A text longer than the context (undefined: the context length is not known). */
  overContext?: string;
  overflow: 'error' | 'truncate';
}

const reject = (param?: string, status?: number): Expectation => ({ kind: 'reject', ...(param ? { param } : {}), ...(status ? { status } : {}) });
const either = (param?: string): Expectation => ({ kind: 'either', ...(param ? { param } : {}) });

function nested(depth: number): string {
  return `${'['.repeat(depth)}"a"${']'.repeat(depth)}`;
}

export function curatedCases(env: CuratedEnv): InputCase[] {
  const model = env.modelId;
  const c = (name: string, what: string, request: InputCase['request'], expect: Expectation, inputs?: string[]): InputCase => ({ group: 'curated', name, what, request, expect, ...(inputs ? { inputs } : {}) });
  const json = (body: Record<string, unknown>) => jsonRequest({ model, ...body });
  const tooLong = env.overflow === 'error' ? reject('input') : ({ kind: 'accept' } as const);
  const cases: InputCase[] = [
    c('invalid-json', 'a JSON object cut off after a comma', rawRequest(`{"model": "${model}", "input": "a",`), reject(undefined, 400)),
    c('invalid-json-single-quotes', "JavaScript, not JSON: {input: 'a'}", rawRequest("{input: 'a'}"), reject(undefined, 400)),
    c('not-json-text', 'plain text with Content-Type text/plain', rawRequest('embed this please', 'text/plain'), reject()),
    c('form-encoded', 'an HTML form body (application/x-www-form-urlencoded)', rawRequest(`model=${model}&input=hello`, 'application/x-www-form-urlencoded'), reject()),
    c('json-as-text-plain', 'a valid JSON body sent as text/plain (curl -d does this): lenient servers embed it', rawRequest(JSON.stringify({ model, input: 'hello' }), 'text/plain'), either(), ['hello']),
    c('invalid-utf8', 'bytes that are not UTF-8 inside the input string', rawRequest(Buffer.concat([Buffer.from(`{"model":"${model}","input":"caf`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])), either('input')),
    c('get-method', 'GET /v1/embeddings', { method: 'GET', path: '/v1/embeddings', headers: {} }, reject(undefined, 405)),
    c('put-method', 'PUT /v1/embeddings with a valid body', { ...json({ input: 'a' }), method: 'PUT' }, reject(undefined, 405)),
    c('unknown-path', 'POST /v1/embedding (singular)', { ...json({ input: 'a' }), path: '/v1/embedding' }, reject(undefined, 404)),
    c('input-number', 'input: 42', json({ input: 42 }), reject('input', 400)),
    c('input-boolean', 'input: true', json({ input: true }), reject('input', 400)),
    c('input-object', 'input: {"text": "a"}', json({ input: { text: 'a' } }), reject('input', 400)),
    c('input-item-number', 'input: ["a", 5]', json({ input: ['a', 5] }), reject('input[1]', 400)),
    c('input-item-null', 'input: ["a", null]', json({ input: ['a', null] }), reject('input[1]', 400)),
    c('input-token-ids', 'input: [[1, 2, 3]] (OpenAI allows token ids; a text-only server may refuse them)', json({ input: [[1, 2, 3]] }), either('input[0]')),
    c('model-number', 'model: 7', jsonRequest({ model: 7, input: 'a' }), reject('model', 400)),
    c('dimensions-string', 'dimensions: "32"', json({ input: 'a', dimensions: '32' }), reject('dimensions', 400)),
    c('encoding-number', 'encoding_format: 1', json({ input: 'a', encoding_format: 1 }), reject('encoding_format', 400)),
    c('input-empty-array', 'input: []', json({ input: [] }), reject('input', 400)),
    c('input-empty-string', 'input: ""', json({ input: '' }), reject('input', 400)),
    c('input-item-empty-string', 'input: ["a", ""]', json({ input: ['a', ''] }), reject('input[1]', 400)),
    c('input-missing', 'no input field', json({}), reject('input', 400)),
    c('input-null', 'input: null', json({ input: null }), reject('input', 400)),
    c('body-null', 'the JSON literal null as the body', rawRequest('null'), reject(undefined, 400)),
    c('body-empty', 'an empty body', rawRequest(''), reject(undefined, 400)),
    c('array-root', 'an array at the root: ["a"]', rawRequest('["a"]'), reject(undefined, 400)),
    c('string-root', 'a string at the root: "a"', rawRequest('"a"'), reject(undefined, 400)),
    c('deep-nesting-input', 'input nested 100,000 arrays deep', rawRequest(`{"model":"${model}","input":${nested(100_000)}}`), reject('input', 400)),
    c('deep-nesting-extra', 'an unknown field nested 100,000 arrays deep beside a valid input', rawRequest(`{"model":"${model}","input":"a","x":${nested(100_000)}}`), either(), ['a']),
    c('lone-high-surrogate', 'input "ab\\ud800cd" (a lone high surrogate)', rawRequest(`{"model":"${model}","input":"ab\\ud800cd"}`), either('input'), ['ab\ud800cd']),
    c('lone-low-surrogate', 'input "\\udc00" alone', rawRequest(`{"model":"${model}","input":"\\udc00"}`), either('input'), ['\udc00']),
    c('nul-inside', 'input "a\\u0000b" (a NUL byte inside)', json({ input: 'a\u0000b' }), either('input'), ['a\u0000b']),
    c('nul-only', 'input "\\u0000\\u0000" (only NUL bytes)', json({ input: '\u0000\u0000' }), either('input'), ['\u0000\u0000']),
    oneMegabyte(c, model, env),
    c('body-over-limit', `a body of ${env.bodyLimit + 1024} bytes, Content-Length declared (over the server's limit)`, overLimit(model, env.bodyLimit, false), reject(undefined, 413)),
    c('body-over-limit-chunked', `a chunked body of ${env.bodyLimit + 1024} bytes (no Content-Length)`, overLimit(model, env.bodyLimit, true), reject(undefined, 413)),
    c('too-many-inputs', `${env.maxInputs + 1} inputs, one more than allowed`, json({ input: Array.from({ length: env.maxInputs + 1 }, (_, i) => `t${i}`) }), reject('input', 400)),
    c('unknown-model', 'model: "no-such-model-0xdead"', jsonRequest({ model: 'no-such-model-0xdead', input: 'a' }), reject('model', 404)),
    c('dimensions-negative', 'dimensions: -1', json({ input: 'a', dimensions: -1 }), reject('dimensions', 400)),
    c('dimensions-zero', 'dimensions: 0', json({ input: 'a', dimensions: 0 }), reject('dimensions', 400)),
    c('dimensions-fraction', 'dimensions: 1.5', json({ input: 'a', dimensions: 1.5 }), reject('dimensions', 400)),
    c('dimensions-over-model', `dimensions: ${env.dimensions + 1}, one more than the model has`, json({ input: 'a', dimensions: env.dimensions + 1 }), reject('dimensions', 400)),
    c('dimensions-huge', 'dimensions: 1e300', rawRequest(`{"model":"${model}","input":"a","dimensions":1e300}`), reject('dimensions', 400)),
    c('encoding-unknown', 'encoding_format: "float16"', json({ input: 'a', encoding_format: 'float16' }), reject('encoding_format', 400)),
    c('encoding-empty', 'encoding_format: ""', json({ input: 'a', encoding_format: '' }), reject('encoding_format', 400)),
  ];
  if (env.overContext !== undefined) {
    cases.push(c('over-context', 'an input longer than the context', json({ input: env.overContext }), tooLong, [env.overContext]));
    cases.push(c('over-context-in-batch', 'a short input and one longer than the context in one request', json({ input: ['short', env.overContext] }), env.overflow === 'error' ? reject('input[1]') : { kind: 'accept' }, ['short', env.overContext]));
  }
  return cases;
}

/** A 1 MB string: over any context; over the body limit too when the limit is about 1 MB (then a 413 is right). */
function oneMegabyte(c: (name: string, what: string, request: InputCase['request'], expect: Expectation) => InputCase, model: string, env: CuratedEnv): InputCase {
  const request = jsonRequest({ model, input: 'lorem ipsum dolor '.repeat(58_255).slice(0, 1 << 20) });
  if (request.body!.length > env.bodyLimit) return c('string-1mb', 'one 1 MB string (over this body limit too)', request, reject(undefined, 413));
  return c('string-1mb', 'one 1 MB string', request, env.overflow === 'error' ? reject('input') : either('input'));
}

function overLimit(model: string, limit: number, chunked: boolean): InputCase['request'] {
  const body = Buffer.from(JSON.stringify({ model, input: 'x'.repeat(limit + 1024) }), 'utf8');
  return { ...rawRequest(body), ...(chunked ? { chunked: true } : {}) };
}
