// The checks a POST /mcp body passes before the SDK's transport sees it, so each fault gets the
// JSON-RPC error its specification names: -32700 for text that is not JSON, -32600 for JSON that
// is not a JSON-RPC 2.0 message (wrong version, an id that is an object, a boolean or null, an
// empty batch). The SDK's transport answers all of these with -32700. Pure: no I/O.
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

export interface DoorError {
  /** HTTP status to answer with. */
  status: number;
  code: number;
  message: string;
  /** The request's id when it had a usable one, else null (JSON-RPC 2.0 §5). */
  id: string | number | null;
}

export type DoorResult = { ok: true; body: JSONRPCMessage | JSONRPCMessage[] } | { ok: false; error: DoorError };

function usableId(value: unknown): string | number | null {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Why one message is not JSON-RPC 2.0, or undefined when it is. */
export function messageProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `a JSON-RPC message must be an object, got ${describe(value)}`;
  const m = value as Record<string, unknown>;
  if (m['jsonrpc'] !== '2.0') return `"jsonrpc" must be "2.0", got ${m['jsonrpc'] === undefined ? 'nothing' : JSON.stringify(m['jsonrpc']).slice(0, 40)}`;
  if ('id' in m && usableId(m['id']) === null) return `"id" must be a string or a number, got ${describe(m['id'])}`;
  if ('method' in m && typeof m['method'] !== 'string') return `"method" must be a string, got ${describe(m['method'])}`;
  if (!('method' in m) && !('result' in m) && !('error' in m)) return 'a JSON-RPC message needs "method" (a request or notification) or "result"/"error" (a response)';
  if ('params' in m && (typeof m['params'] !== 'object' || m['params'] === null)) return `"params" must be an object or an array, got ${describe(m['params'])}`;
  if (!JSONRPCMessageSchema.safeParse(value).success) return 'not a JSON-RPC 2.0 request, notification or response';
  return undefined;
}

export function checkBody(text: string): DoorResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: { status: 400, code: PARSE_ERROR, message: `Parse error: the body is not JSON (${(err as Error).message})`, id: null } };
  }
  const fail = (message: string, id: string | number | null): DoorResult => ({ ok: false, error: { status: 400, code: INVALID_REQUEST, message: `Invalid Request: ${message}`, id } });
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) return fail('an empty batch', null);
    for (let i = 0; i < parsed.length; i++) {
      const problem = messageProblem(parsed[i]);
      if (problem) return fail(`batch item ${i}: ${problem}`, null);
    }
    return { ok: true, body: parsed as JSONRPCMessage[] };
  }
  const problem = messageProblem(parsed);
  if (problem) return fail(problem, usableId((parsed as Record<string, unknown> | null)?.['id']));
  return { ok: true, body: parsed as JSONRPCMessage };
}
