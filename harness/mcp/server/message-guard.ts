// Protocol faults the SDK answers as something else, answered here with the JSON-RPC error MCP
// names, on any transport (Streamable HTTP or stdio):
// - tools/call of a tool the server does not have: -32602 (MCP's tools page, "Unknown tools"); the
//   SDK's McpServer answers it with an isError result, which tells a client its call ran;
// - a known method whose params do not fit its schema (tools/list with a numeric cursor, initialize
//   without params): -32602; the SDK answers -32603, an internal error, which blames the server.
// Everything else goes on to the SDK unchanged.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ClientRequestSchema, isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export const INVALID_PARAMS = -32602;

const METHOD_SCHEMAS = new Map(ClientRequestSchema.options.map((o) => [o.shape.method.value as string, o]));

/** The JSON-RPC error to answer `message` with, or undefined to let the SDK answer it. */
export function guardProblem(message: JSONRPCMessage, tools: readonly string[]): { code: number; message: string } | undefined {
  if (!isJSONRPCRequest(message)) return undefined;
  const schema = METHOD_SCHEMAS.get(message.method);
  if (!schema) return undefined; // unknown methods: the SDK answers -32601
  const parsed = schema.safeParse({ method: message.method, ...(message.params !== undefined ? { params: message.params } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `params.${issue.path.filter((p) => p !== 'params').join('.')}` : 'params';
    return { code: INVALID_PARAMS, message: `Invalid params for ${message.method}: ${where}: ${issue?.message ?? 'does not match the schema'}` };
  }
  if (message.method === 'tools/call') {
    const name = (message.params as { name: string }).name;
    if (!tools.includes(name)) return { code: INVALID_PARAMS, message: `Unknown tool: ${JSON.stringify(name).slice(0, 100)}; this server has ${tools.map((t) => `"${t}"`).join(' and ')} (tools/list describes them)` };
  }
  return undefined;
}

/** Call after server.connect(transport): wraps the handler the SDK installed. */
export function guardTransport(transport: Transport, tools: readonly string[], onRefused?: (code: number) => void): void {
  const inner = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const problem = guardProblem(message, tools);
    if (problem && isJSONRPCRequest(message)) {
      onRefused?.(problem.code);
      void transport.send({ jsonrpc: '2.0', id: message.id, error: problem }, { relatedRequestId: message.id }).catch(() => {});
      return;
    }
    inner?.(message, extra);
  };
}
