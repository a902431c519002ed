// The `inputs:` block: which groups of inputs to send, how long an answer may take, what the
// target's limits are (so "over the limit" bodies really are), and what a clear error looks like
// on this target (the OpenAI error object by default, a team's own convention otherwise).
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { StringEnum, withDefault } from '../params.ts';

export const INPUTS_PARAMS = Type.Object(
  {
    corpus: StringEnum(['embeddings', 'jsonrpc'] as const, withDefault('what to send: bad and awkward POST /v1/embeddings bodies (embeddings), or malformed JSON-RPC to an MCP server over Streamable HTTP (jsonrpc: a gguf target is served with embedgate serve --mcp; docs/mcp.md)', 'embeddings')),
    mcpPath: Type.String(withDefault('corpus jsonrpc: the MCP endpoint’s path under the target’s URL', '/mcp')),
    curated: Type.Boolean(withDefault('send the curated bad bodies (invalid JSON, wrong types, limits, unknown model, …)', true)),
    awkward: Type.Boolean(withDefault('send the awkward but valid texts (emoji, CJK, RTL, combining marks, zero-width, code with tabs and CRLF, long identifiers, a text exactly at the context limit)', true)),
    generated: Type.Object(
      {
        count: Type.Integer({ minimum: 0, maximum: 5000, ...withDefault('bodies generated with fast-check', 150) }),
        seed: Type.Optional(Type.Integer({ description: 'fast-check seed (default: the run’s seed); the report gives it with each failing body, so a failure replays' })),
      },
      { additionalProperties: false, default: {} },
    ),
    models: StringEnum(['auto', 'on', 'off'] as const, withDefault('load broken model files (truncated, bad magic, inconsistent tensor table, duplicate token, NaN weights, contradictory dimensions) through `embedgate serve`; auto: for gguf targets only', 'auto')),
    modelTimeout: Duration(withDefault('how long one broken model file may take to be refused', '60s')),
    requestTimeout: Duration(withDefault('how long one answer may take; longer counts as hung', '15s')),
    overflow: StringEnum(['error', 'truncate'] as const, withDefault('what the target does with an input longer than its context: error (a 4xx is right) or truncate (a valid 200 is right); a gguf target’s server is started with it', 'error')),
    contextTokens: Type.Optional(Type.Integer({ minimum: 8, description: 'tokens one input may have, BOS/EOS included (default: the context length the target’s info() gives)' })),
    bodyLimit: Type.Integer({ minimum: 1024, ...withDefault('the server’s request-body limit in bytes; the over-limit bodies send more', 8 * 1024 * 1024) }),
    maxInputs: Type.Integer({ minimum: 1, ...withDefault('most inputs the server takes in one request; the too-many body sends one more', 2048) }),
    normalised: Type.Optional(Type.Boolean({ description: 'the model returns unit vectors (default: inferred from the first valid answer)' })),
    errorShape: Type.Object(
      {
        message: Type.String(withDefault('dot path of the error message in an error body; it must be a non-empty string', 'error.message')),
        param: Type.String(withDefault('dot path of the parameter an error names; "" when the target names none (then param is not checked)', 'error.param')),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type InputsParams = StaticDecode<typeof INPUTS_PARAMS>;
