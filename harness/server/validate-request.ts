// Turns a POST /v1/embeddings body into a checked request, or into the ApiError that tells the
// client exactly which field is wrong and what would be right. Pure: no model, no I/O.
import { ApiError, badRequest } from './api-error.ts';

export type EncodingFormat = 'float' | 'base64';

export interface EmbeddingRequest {
  texts: string[];
  /** The model id as the client sent it (absent: the served model). */
  model: string | undefined;
  encoding: EncodingFormat;
  /** Matryoshka truncation: keep the first n dimensions and re-normalise. */
  dimensions: number | undefined;
}

export interface RequestLimits {
  /** Most inputs in one request. */
  maxInputs: number;
  /** Length of the vectors the model returns; `dimensions` may not exceed it. */
  modelDimensions: number;
  /** Names the served model answers to (its id first). */
  modelIds: readonly string[];
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Parses and checks the body text. Throws ApiError (400 or 404) on the first problem found. */
export function parseEmbeddingRequest(bodyText: string, limits: RequestLimits): EmbeddingRequest {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (err) {
    throw new ApiError(400, `the request body is not valid JSON (${(err as Error).message}); send a JSON object such as {"model": "${limits.modelIds[0]}", "input": "text"}`, 'invalid_request_error', 'invalid_json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`the request body must be a JSON object, got ${typeName(body)}`, null, 'invalid_type');
  }
  const b = body as Record<string, unknown>;

  const model = b['model'];
  if (model !== undefined && typeof model !== 'string') throw badRequest(`'model' must be a string, got ${typeName(model)}`, 'model', 'invalid_type');
  if (typeof model === 'string' && !limits.modelIds.includes(model)) {
    throw new ApiError(404, `the model '${model.slice(0, 200)}' does not exist on this server; it serves '${limits.modelIds[0]}' (GET /v1/models lists it)`, 'invalid_request_error', 'model_not_found', 'model');
  }

  const texts = parseInput(b['input'], limits.maxInputs);

  const format = b['encoding_format'];
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    throw badRequest(`'encoding_format' must be 'float' or 'base64', got ${typeof format === 'string' ? `'${format.slice(0, 50)}'` : typeName(format)}`, 'encoding_format');
  }

  const dims = b['dimensions'];
  if (dims !== undefined && (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > limits.modelDimensions)) {
    throw badRequest(`'dimensions' must be a whole number from 1 to ${limits.modelDimensions} (the model's size), got ${typeof dims === 'number' ? dims : typeName(dims)}`, 'dimensions');
  }

  return { texts, model, encoding: format ?? 'float', dimensions: dims as number | undefined };
}

function parseInput(input: unknown, maxInputs: number): string[] {
  if (input === undefined) throw badRequest(`missing required parameter 'input': a string or an array of strings`, 'input', 'missing_required_parameter');
  if (typeof input === 'string') {
    if (input.length === 0) throw badRequest(`'input' is an empty string; an embedding of nothing is not defined`, 'input', 'empty_input');
    return [input];
  }
  if (!Array.isArray(input)) throw badRequest(`'input' must be a string or an array of strings, got ${typeName(input)}`, 'input', 'invalid_type');
  if (input.length === 0) throw badRequest(`'input' is an empty array; send at least one string`, 'input', 'empty_input');
  if (input.length > maxInputs) throw badRequest(`'input' has ${input.length} items, at most ${maxInputs} are allowed per request; split it`, 'input', 'too_many_inputs');
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    if (typeof item === 'string') {
      if (item.length === 0) throw badRequest(`'input[${i}]' is an empty string; drop it or send a placeholder`, `input[${i}]`, 'empty_input');
      continue;
    }
    const tokens = typeof item === 'number' || (Array.isArray(item) && item.every((t) => typeof t === 'number'));
    throw badRequest(
      tokens
        ? `'input[${i}]' is token ids; this server takes text only, send the strings`
        : `'input[${i}]' must be a string, got ${typeName(item)}`,
      `input[${i}]`,
      'invalid_type',
    );
  }
  return input as string[];
}
