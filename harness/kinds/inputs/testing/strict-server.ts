// An OpenAI-compatible embeddings server for tests of the inputs suite: it validates bodies with
// embedgate serve's own validator (harness/server/validate-request.ts), answers toy vectors
// (deterministic, unit norm), counts a token per word plus BOS/EOS, and refuses inputs over its
// context and bodies over its limit. With no flag it gets every input right. Each flag breaks one
// thing, the way real servers do:
//   --crash-on-null          the process exits when `input` is null (a server that dies on one body)
//   --accept-missing-input   a body without `input` gets 200 and a vector (a server that accepts garbage)
//   --no-message             error bodies lack `message` (a server whose errors say nothing)
// Run: node --import tsx harness/kinds/inputs/testing/strict-server.ts [flags]; it prints
// `listening on http://127.0.0.1:PORT` once it accepts connections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { ApiError } from '../../../server/api-error.ts';
import { parseEmbeddingRequest } from '../../../server/validate-request.ts';

const MODEL = 'toy';
const DIMENSIONS = 8;
const CONTEXT = 128;
const BODY_LIMIT = 1024 * 1024;
const MAX_INPUTS = 64;

const { values: flags } = parseArgs({ options: { 'crash-on-null': { type: 'boolean' }, 'accept-missing-input': { type: 'boolean' }, 'no-message': { type: 'boolean' } } });

/** Deterministic and unit norm for every text (a NUL counts, so no text gives all zeros). */
function toyVector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < text.length; i++) v[i % dims]! += (text.charCodeAt(i) + 1) / 128;
  if (text.length === 0) v[0] = 1;
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

const tokens = (text: string) => text.split(/\s+/).filter(Boolean).length + 2;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, err: ApiError): void {
  const body = err.body();
  if (flags['no-message']) send(res, err.status, { error: { type: body.error.type, code: body.error.code, param: body.error.param } });
  else send(res, err.status, body);
}

/** The whole body, or undefined once it passed the limit (read to its end first, so the 413 is seen). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size <= BODY_LIMIT) chunks.push(c as Buffer);
  }
  return size > BODY_LIMIT ? undefined : Buffer.concat(chunks).toString('utf8');
}

function shape(v: Float32Array, dims: number | undefined): Float32Array {
  if (dims === undefined || dims >= v.length) return v;
  const cut = v.slice(0, dims);
  const norm = Math.hypot(...cut) || 1;
  return cut.map((x) => x / norm);
}

async function embeddings(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const text = await readBody(req);
  if (text === undefined) return fail(res, new ApiError(413, `the body is over ${BODY_LIMIT} bytes`, 'invalid_request_error', 'request_too_large'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // parseEmbeddingRequest words it
  }
  const body = parsed as { input?: unknown } | null;
  if (flags['crash-on-null'] && body && typeof body === 'object' && 'input' in body && body.input === null) process.exit(1);
  if (flags['accept-missing-input'] && body && typeof body === 'object' && !Array.isArray(body) && !('input' in body)) {
    return send(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: Array.from(toyVector('', DIMENSIONS)) }], model: MODEL, usage: { prompt_tokens: 2, total_tokens: 2 } });
  }
  const r = parseEmbeddingRequest(text, { maxInputs: MAX_INPUTS, modelDimensions: DIMENSIONS, modelIds: [MODEL] });
  const long = r.texts.findIndex((t) => tokens(t) > CONTEXT);
  if (long >= 0) throw new ApiError(400, `input[${long}] is ${tokens(r.texts[long]!)} tokens, the context allows ${CONTEXT}`, 'invalid_request_error', 'context_length_exceeded', `input[${long}]`);
  const data = r.texts.map((t, index) => {
    const v = shape(toyVector(t, DIMENSIONS), r.dimensions);
    return { object: 'embedding', index, embedding: r.encoding === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v) };
  });
  const used = r.texts.reduce((a, t) => a + tokens(t), 0);
  send(res, 200, { object: 'list', data, model: MODEL, usage: { prompt_tokens: used, total_tokens: used } });
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const run = async () => {
    if (path === '/health' && req.method === 'GET') return send(res, 200, { status: 'ok' });
    if (path === '/v1/models' && req.method === 'GET') return send(res, 200, { object: 'list', data: [{ id: MODEL, object: 'model', dimensions: DIMENSIONS, context_length: CONTEXT }] });
    if (path !== '/v1/embeddings') throw new ApiError(404, `no route ${path}`, 'invalid_request_error', 'not_found');
    if (req.method !== 'POST') throw new ApiError(405, `${req.method} is not allowed on ${path}; use POST`, 'invalid_request_error', 'method_not_allowed');
    await embeddings(req, res);
  };
  run().catch((err: unknown) => {
    req.resume();
    fail(res, err instanceof ApiError ? err : new ApiError(500, String(err), 'server_error', 'internal_error'));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
