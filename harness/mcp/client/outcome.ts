// What became of one tool call under load, in the load metrics' terms: an answer (a result, a
// tool error, a JSON-RPC error, an HTTP status from the Streamable HTTP transport) or a failure
// without one (timeout, reset, refused connection, a session that closed under the call).
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { classifyError } from '../../http-client/error-kind.ts';

export type CallOutcome =
  /** The server answered, with something other than a result: `code` names it in statusCodes. */
  | { answered: true; code: string; status?: number }
  | { answered: false; kind: 'timeout' | 'reset' | 'connection' | 'lost' };

export function outcomeOfFailure(err: unknown): CallOutcome {
  if (err instanceof McpError) {
    if (err.code === ErrorCode.RequestTimeout) return { answered: false, kind: 'timeout' };
    if (err.code === ErrorCode.ConnectionClosed) return { answered: false, kind: 'lost' };
    return { answered: true, code: `jsonrpc ${err.code}` };
  }
  if (err instanceof StreamableHTTPError && err.code !== undefined && err.code > 0) return { answered: true, code: String(err.code), status: err.code };
  // undici's fetch: TypeError('fetch failed') with the socket error as its cause.
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const code = (cause as { code?: string })?.code;
  if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return { answered: false, kind: 'reset' };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return { answered: false, kind: 'timeout' };
  return { answered: false, kind: classifyError(cause) };
}
