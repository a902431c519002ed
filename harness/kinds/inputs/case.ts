// What one input is: the request that carries it, what a right answer to it is, and the verdict
// it got. Shared by the case builders (curated, generated, awkward, model files) and the judge.

export type Group = 'curated' | 'generated' | 'awkward' | 'model' | 'jsonrpc';

export interface RawRequest {
  method: string;
  /** Path under the base URL, e.g. /v1/embeddings. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length), so only a streaming limit can refuse it. */
  chunked?: boolean;
}

/**
 * reject: a 4xx with a message (and `param` when one is given). accept: a 2xx with a correct answer
 * for `inputs`. either: the input is odd but defensible both ways, so a correct 2xx or a clear
 * 4xx is right; a 5xx, a crash or a vague error is not. `param` may list several fields when a
 * body has several faults: naming any of them is right (servers check fields in their own order).
 */
export type Expectation = { kind: 'reject'; param?: string | string[]; status?: number } | { kind: 'accept' } | { kind: 'either'; param?: string | string[] };

export interface InputCase {
  group: Group;
  name: string;
  /** What the input is, in words for the report. */
  what: string;
  request: RawRequest;
  expect: Expectation;
  /** The texts of the body, so a 2xx answer can be checked (count, order, finite, norm, repeats). */
  inputs?: string[];
  /** Vector length a 2xx must have when the body asks for `dimensions` (default: the model's). */
  dimensions?: number;
  /** Generated bodies: the fast-check seed and the body's index in the sample, to replay it. */
  replay?: { seed: number; index: number };
}

export type Verdict = 'ok' | 'accepted-bad' | 'rejected-good' | 'unclear' | 'crash' | 'hung';

export interface CaseResult {
  group: Group;
  name: string;
  what: string;
  verdict: Verdict;
  /** Why this verdict, in words: what came back and what was expected. */
  why: string;
  status?: number;
  message?: string;
  param?: string | null;
  ms?: number;
  replay?: { seed: number; index: number; body: string };
}

export function jsonRequest(body: unknown, extra: Partial<RawRequest> = {}): RawRequest {
  return { method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body), 'utf8'), ...extra };
}

export function rawRequest(text: string | Buffer, contentType = 'application/json', extra: Partial<RawRequest> = {}): RawRequest {
  return { method: 'POST', path: '/v1/embeddings', headers: { 'content-type': contentType }, body: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), ...extra };
}
