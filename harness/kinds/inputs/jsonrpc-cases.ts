// Malformed and awkward JSON-RPC for an MCP server over Streamable HTTP, each with the answer the
// specifications name: JSON-RPC 2.0 §5.1 (-32700 parse error, -32600 invalid request, -32601
// method not found, -32602 invalid params) and MCP's tools page, which makes an unknown tool a
// protocol error and a tool's bad arguments a tool execution error (an isError result).
import { EMBED_TOOL, SEARCH_TOOL } from '../../mcp/tools.ts';

export type JsonRpcExpectation =
  /** A JSON-RPC error with this code (and this HTTP status when given). */
  | { error: number; status?: number; id?: string | number | null }
  /** A tools/call result with isError: true and a message. */
  | { isError: true }
  /** A result (not an error). */
  | { result: true }
  /** A notification or response: 202 Accepted and no body. */
  | { accepted: true }
  /** Defensible both ways: any JSON-RPC error or an isError result, never a crash or a hang. */
  | { errorOrIsError: true };

export interface JsonRpcCase {
  name: string;
  what: string;
  body: string;
  /** Send with the Mcp-Session-Id of an initialized session (default true). */
  session?: boolean;
  /** Replace the session id with one the server never issued. */
  unknownSession?: boolean;
  contentType?: string;
  expect: JsonRpcExpectation;
}

const PARSE = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;

const call = (id: unknown, method: string, params?: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined ? { params } : {}) });
const tool = (id: number, name: string, args?: unknown) => call(id, 'tools/call', { name, ...(args !== undefined ? { arguments: args } : {}) });

/** `bodyLimit`: the server's request-body limit in bytes; the oversized case sends more. */
export function jsonRpcCases(opts: { bodyLimit: number }): JsonRpcCase[] {
  const embed = EMBED_TOOL.name;
  const search = SEARCH_TOOL.name;
  const deep = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`;
  return [
    { name: 'control-ping', what: 'a valid ping (the control: a server that fails it says nothing about the rest)', body: call(1, 'ping'), expect: { result: true } },
    { name: 'invalid-json', what: 'a body cut short: {"jsonrpc":"2.0",', body: '{"jsonrpc":"2.0",', expect: { error: PARSE, status: 400, id: null } },
    { name: 'not-json-at-all', what: 'a body that is plain text', body: 'hello', expect: { error: PARSE, status: 400, id: null } },
    { name: 'number-body', what: 'a JSON number instead of a message', body: '42', expect: { error: INVALID_REQUEST, status: 400, id: null } },
    { name: 'jsonrpc-1.0', what: '"jsonrpc": "1.0"', body: JSON.stringify({ jsonrpc: '1.0', id: 2, method: 'ping' }), expect: { error: INVALID_REQUEST, status: 400, id: 2 } },
    { name: 'jsonrpc-missing', what: 'no "jsonrpc" member', body: JSON.stringify({ id: 3, method: 'ping' }), expect: { error: INVALID_REQUEST, status: 400, id: 3 } },
    { name: 'id-object', what: 'an id that is an object', body: call({ a: 1 }, 'ping'), expect: { error: INVALID_REQUEST, status: 400, id: null } },
    { name: 'id-boolean', what: 'an id that is a boolean', body: call(true, 'ping'), expect: { error: INVALID_REQUEST, status: 400, id: null } },
    { name: 'id-null', what: 'an id that is null (MCP: ids MUST NOT be null)', body: call(null, 'ping'), expect: { error: INVALID_REQUEST, status: 400, id: null } },
    { name: 'id-fraction', what: 'an id that is 1.5 (MCP ids are strings or integers)', body: call(1.5, 'ping'), expect: { error: INVALID_REQUEST, status: 400 } },
    { name: 'method-number', what: 'a method that is a number', body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 7 }), expect: { error: INVALID_REQUEST, status: 400, id: 4 } },
    { name: 'params-string', what: 'params that are a string', body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list', params: 'all' }), expect: { error: INVALID_REQUEST, status: 400, id: 5 } },
    { name: 'no-method-no-result', what: 'an object with an id and nothing else', body: JSON.stringify({ jsonrpc: '2.0', id: 6 }), expect: { error: INVALID_REQUEST, status: 400, id: 6 } },
    { name: 'empty-batch', what: 'an empty batch []', body: '[]', expect: { error: INVALID_REQUEST, status: 400, id: null } },
    { name: 'batch-with-bad-item', what: 'a batch whose second item has jsonrpc "1.0"', body: `[${call(7, 'ping')},${JSON.stringify({ jsonrpc: '1.0', id: 8, method: 'ping' })}]`, expect: { error: INVALID_REQUEST, status: 400 } },
    { name: 'batch-of-two', what: 'a batch of two pings (batches left MCP in 2025-06-18; an answer to each or an error are both defensible)', body: `[${call(9, 'ping')},${call(10, 'ping')}]`, expect: { errorOrIsError: true } },
    { name: 'unknown-method', what: 'method "tools/delete", which MCP does not have', body: call(11, 'tools/delete'), expect: { error: METHOD_NOT_FOUND, id: 11 } },
    { name: 'empty-method', what: 'method ""', body: call(12, ''), expect: { error: METHOD_NOT_FOUND, id: 12 } },
    { name: 'unknown-tool', what: 'tools/call of a tool the server does not have', body: tool(13, 'delete_everything', {}), expect: { error: INVALID_PARAMS, id: 13 } },
    { name: 'tool-name-missing', what: 'tools/call without a name', body: call(14, 'tools/call', { arguments: {} }), expect: { error: INVALID_PARAMS, id: 14 } },
    { name: 'tool-arguments-number', what: 'tools/call whose arguments are a number', body: tool(15, embed, 5), expect: { error: INVALID_PARAMS, id: 15 } },
    { name: 'list-cursor-number', what: 'tools/list with a numeric cursor', body: call(16, 'tools/list', { cursor: 5 }), expect: { error: INVALID_PARAMS, id: 16 } },
    { name: 'embed-texts-string', what: 'embed with texts a string, not a list', body: tool(17, embed, { texts: 'hello' }), expect: { isError: true } },
    { name: 'embed-texts-numbers', what: 'embed with texts [1, 2]', body: tool(18, embed, { texts: [1, 2] }), expect: { isError: true } },
    { name: 'embed-no-arguments', what: 'embed without arguments', body: tool(19, embed), expect: { isError: true } },
    { name: 'embed-empty-list', what: 'embed with texts []', body: tool(20, embed, { texts: [] }), expect: { isError: true } },
    { name: 'embed-empty-text', what: 'embed with texts [""]', body: tool(21, embed, { texts: [''] }), expect: { isError: true } },
    { name: 'embed-deep-nesting', what: 'embed with texts nested 5000 arrays deep', body: `{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"${embed}","arguments":{"texts":${deep}}}}`, expect: { errorOrIsError: true } },
    { name: 'search-k-string', what: 'search with k "ten"', body: tool(23, search, { query: 'x', k: 'ten' }), expect: { isError: true } },
    { name: 'search-k-zero', what: 'search with k 0', body: tool(24, search, { query: 'x', k: 0 }), expect: { isError: true } },
    { name: 'search-no-query', what: 'search without a query', body: tool(25, search, {}), expect: { isError: true } },
    { name: 'notification-tools-call', what: 'tools/call without an id: a notification, which gets no answer', body: JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: { name: embed, arguments: { texts: ['x'] } } }), expect: { accepted: true } },
    { name: 'response-unknown-id', what: 'a response to a request the server never sent', body: JSON.stringify({ jsonrpc: '2.0', id: 999, result: {} }), expect: { accepted: true } },
    { name: 'initialize-twice', what: 'initialize again in an initialized session', body: call(26, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } }), expect: { error: INVALID_REQUEST, status: 400 } },
    { name: 'before-initialize', what: 'tools/list with no session (before initialize)', body: call(27, 'tools/list'), session: false, expect: { error: INVALID_REQUEST, status: 400, id: 27 } },
    { name: 'unknown-session', what: 'tools/list with an Mcp-Session-Id the server never issued', body: call(28, 'tools/list'), unknownSession: true, expect: { status: 404, error: -32001 } },
    { name: 'oversized', what: `a tools/call body over the ${opts.bodyLimit}-byte limit`, body: tool(29, embed, { texts: ['x'.repeat(opts.bodyLimit)] }), expect: { error: INVALID_REQUEST, status: 413 } },
    { name: 'huge-id', what: 'a 100,000-character string id', body: call('i'.repeat(100_000), 'ping'), expect: { result: true } },
  ];
}
