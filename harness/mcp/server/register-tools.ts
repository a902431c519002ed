// The `embed` and `search` tools on an McpServer, over the embed service POST /v1/embeddings uses.
// A tool that cannot do its job (no texts, too many, a text over the context, a full queue, the
// index still building) returns an isError result whose text says what and what to do; MCP
// reserves JSON-RPC errors for protocol faults, which the SDK and the transports answer.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiError } from '../../server/api-error.ts';
import type { FrontEndParts } from '../../server/server.ts';
import { EMBED_TOOL, SEARCH_TOOL, type EmbedResult, type SearchResult } from '../tools.ts';
import type { McpMetrics } from './mcp-metrics.ts';
import type { SearchIndex } from './search-index.ts';

export interface ToolDeps {
  parts: FrontEndParts;
  index: SearchIndex;
  metrics: McpMetrics;
}

/** A result for clients with and without structured output: the same JSON as text. */
function ok(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

function toolError(err: unknown): CallToolResult {
  const message = err instanceof ApiError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
  const code = err instanceof ApiError ? err.code : 'internal_error';
  return { content: [{ type: 'text', text: message }], isError: true, _meta: { 'embedgate/code': code } };
}

/** Runs a tool body, counts it, and turns any failure into an isError result. */
async function counted(metrics: McpMetrics, tool: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  const started = performance.now();
  let result: CallToolResult;
  try {
    result = await body();
  } catch (err) {
    result = toolError(err);
  }
  metrics.toolCalls.inc({ tool, outcome: result.isError ? 'error' : 'ok' });
  metrics.toolSeconds.observe((performance.now() - started) / 1000);
  return result;
}

function modelOrThrow(parts: FrontEndParts) {
  const info = parts.modelInfo();
  if (!info) throw new ApiError(503, 'the model is still loading; GET /health says when it is ready', 'server_error', 'model_loading');
  if (parts.draining()) throw new ApiError(503, 'the server is shutting down', 'server_error', 'shutting_down');
  return info;
}

export function registerTools(server: McpServer, deps: ToolDeps): void {
  const { parts, index, metrics } = deps;
  const model = parts.modelIds[0]!;

  server.registerTool(EMBED_TOOL.name, { description: EMBED_TOOL.description, inputSchema: EMBED_TOOL.input, outputSchema: EMBED_TOOL.output }, ({ texts }, extra) =>
    counted(metrics, EMBED_TOOL.name, async () => {
      const info = modelOrThrow(parts);
      if (texts.length > parts.maxInputs) {
        throw new ApiError(400, `'texts' has ${texts.length} items, at most ${parts.maxInputs} are allowed per call on this server; split it`, 'invalid_request_error', 'too_many_inputs', 'texts');
      }
      const empty = texts.findIndex((t) => t.length === 0);
      if (empty >= 0) throw new ApiError(400, `'texts[${empty}]' is an empty string; an embedding of nothing is not defined`, 'invalid_request_error', 'empty_input', `texts[${empty}]`);
      let result;
      try {
        result = await parts.service.embed(texts, extra.signal);
      } catch (err) {
        throw renameParam(err);
      }
      const bad = result.vectors.findIndex((v) => v.some((x) => !Number.isFinite(x)));
      if (bad >= 0) throw new ApiError(500, `the model returned NaN or Inf values for texts[${bad}]; its weights may be corrupt (GET /health names the model file)`, 'server_error', 'non_finite_embedding');
      const tokens = result.tokens.reduce((a, b) => a + b, 0);
      parts.metrics.batch.observe(texts.length);
      parts.metrics.tokens.inc({}, tokens);
      parts.metrics.embeddings.inc({}, texts.length);
      if (result.truncated.length > 0) parts.metrics.truncated.inc({}, result.truncated.length);
      const out: EmbedResult = { model, dimensions: info.dimensions, embeddings: result.vectors.map((v) => Array.from(v)), tokens: result.tokens };
      return ok(out);
    }),
  );

  server.registerTool(SEARCH_TOOL.name, { description: SEARCH_TOOL.description, inputSchema: SEARCH_TOOL.input, outputSchema: SEARCH_TOOL.output }, ({ query, k }, extra) =>
    counted(metrics, SEARCH_TOOL.name, async () => {
      modelOrThrow(parts);
      let hits;
      try {
        hits = await index.search(query, k, extra.signal);
      } catch (err) {
        throw renameParam(err, 'query');
      }
      const out: SearchResult = { model, results: hits };
      return ok(out);
    }),
  );
}

/** The embed service names HTTP's `input[i]`; a tool's argument is `texts[i]` (or `query`). */
function renameParam(err: unknown, single?: string): unknown {
  if (!(err instanceof ApiError)) return err;
  const rename = (s: string) => (single ? s.replace(/\binput\[\d+\]/g, single) : s.replace(/\binput\[/g, 'texts['));
  const message = rename(err.message).replace('start it with --overflow truncate', 'start embedgate serve with --overflow truncate');
  return new ApiError(err.status, message, err.type, err.code, err.param === null ? null : rename(err.param), err.headers);
}
