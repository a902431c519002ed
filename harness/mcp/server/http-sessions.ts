// MCP over Streamable HTTP at /mcp, on the port of the HTTP API. Stateful: an initialize without
// Mcp-Session-Id opens a session (its own McpServer and transport); every later request names it.
// The body is read and checked here first (size limit, JSON, JSON-RPC shape, see jsonrpc-door.ts)
// so that each fault gets its own error code; the SDK's transport does the rest of the protocol.
// Loopback servers check Host and Origin against their own address (DNS rebinding).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ApiError } from '../../server/api-error.ts';
import { readBody } from '../../server/http-app.ts';
import type { FrontEndParts } from '../../server/server.ts';
import { MCP_HTTP_PATH } from '../tools.ts';
import { checkBody, INVALID_REQUEST } from './jsonrpc-door.ts';

const SESSION_NOT_FOUND = -32001; // the SDK's code for an unknown or closed Mcp-Session-Id
const SERVER_ERROR = -32000;

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastUsed: number;
}

export interface HttpSessionsOptions {
  parts: FrontEndParts;
  /** A new McpServer with the tools registered, and its transport guarded (see message-guard.ts). */
  connect: (transport: StreamableHTTPServerTransport) => Promise<McpServer>;
  /** Host header values accepted (DNS-rebinding protection); undefined accepts any. */
  allowedHosts?: string[];
  /** Sessions idle this long are closed. Default 15 min. */
  idleMs?: number;
  /** Most open sessions; the least recently used is closed to make room. Default 1000. */
  maxSessions?: number;
  onProtocolError?: (code: number) => void;
  /** Serve a request without Mcp-Session-Id on its own, with no session (serve --mcp --stateless). */
  stateless?: boolean;
}

export class HttpSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly opts: HttpSessionsOptions) {
    const idle = opts.idleMs ?? 15 * 60_000;
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const [id, s] of this.sessions) if (now - s.lastUsed > idle) void this.closeSession(id);
    }, Math.min(idle, 60_000));
    this.sweep.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** True when the request is for /mcp (and is answered here). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== MCP_HTTP_PATH) return false;
    res.on('finish', () => this.opts.parts.metrics.requests.inc({ path: MCP_HTTP_PATH, status: String(res.statusCode) }));
    this.serve(req, res).catch((err: unknown) => this.reply(res, 500, -32603, `Internal error: ${err instanceof Error ? err.message : String(err)}`, null));
    return true;
  }

  async stop(): Promise<void> {
    clearInterval(this.sweep);
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { parts } = this.opts;
    const hostProblem = this.hostProblem(req);
    if (hostProblem) {
      req.resume();
      return this.reply(res, 403, SERVER_ERROR, `Forbidden: ${hostProblem}`, null);
    }
    if (parts.draining()) {
      req.resume();
      return this.reply(res, 503, SERVER_ERROR, 'the server is shutting down', null, { 'retry-after': '5' });
    }
    const sid = header(req, 'mcp-session-id');
    const session = sid === undefined ? undefined : this.sessions.get(sid);
    if (sid !== undefined && !session) {
      req.resume();
      return this.reply(res, 404, SESSION_NOT_FOUND, `Session not found: ${sid.slice(0, 80)} is unknown or closed; send initialize without Mcp-Session-Id for a new one`, null);
    }
    if (session) session.lastUsed = Date.now();
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!session) return this.reply(res, 400, SERVER_ERROR, `Bad Request: ${req.method} ${MCP_HTTP_PATH} needs the Mcp-Session-Id header of an open session`, null);
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') {
      req.resume();
      return this.reply(res, 405, SERVER_ERROR, `Method not allowed: ${req.method} ${MCP_HTTP_PATH}; use POST, GET or DELETE`, null, { allow: 'GET, POST, DELETE' });
    }
    let text: string;
    try {
      text = await readBody(req, parts.bodyLimitBytes, res);
    } catch (err) {
      if (err instanceof ApiError && err.status === 413) return this.reply(res, 413, INVALID_REQUEST, `Invalid Request: ${err.message.replace('send fewer or shorter inputs per request', 'send fewer or shorter texts per call')}`, null);
      throw err;
    }
    const door = checkBody(text);
    if (!door.ok) return this.reply(res, door.error.status, door.error.code, door.error.message, door.error.id);
    if (session) return session.transport.handleRequest(req, res, door.body);
    if (this.opts.stateless) return this.once(req, res, door.body);
    const messages = Array.isArray(door.body) ? door.body : [door.body];
    if (!messages.some((m) => isInitializeRequest(m))) {
      const first = messages.find((m): m is JSONRPCMessage & { id: string | number } => 'id' in m && m.id !== undefined);
      return this.reply(res, 400, INVALID_REQUEST, 'Invalid Request: no Mcp-Session-Id header; send initialize first (its answer carries the Mcp-Session-Id to send with every later request)', first?.id ?? null);
    }
    return this.open(req, res, door.body);
  }

  private async open(req: IncomingMessage, res: ServerResponse, body: JSONRPCMessage | JSONRPCMessage[]): Promise<void> {
    const max = this.opts.maxSessions ?? 1000;
    if (this.sessions.size >= max) {
      const oldest = [...this.sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (oldest) await this.closeSession(oldest[0]);
    }
    let server: McpServer | undefined;
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server: server!, lastUsed: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    server = await this.opts.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize the transport refused (a batch with two) opened no session: nothing to keep.
    if (transport.sessionId === undefined) await server.close().catch(() => {});
  }

  /** Stateless: a server and transport for this one request, closed with its response. */
  private async once(req: IncomingMessage, res: ServerResponse, body: JSONRPCMessage | JSONRPCMessage[]): Promise<void> {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const server = await this.opts.connect(transport);
    res.on('close', () => void server.close().catch(() => {}));
    await transport.handleRequest(req, res, body);
  }

  private async closeSession(id: string): Promise<void> {
    const s = this.sessions.get(id);
    this.sessions.delete(id);
    await s?.server.close().catch(() => {});
  }

  private hostProblem(req: IncomingMessage): string | undefined {
    const allowed = this.opts.allowedHosts;
    if (!allowed) return undefined;
    const host = header(req, 'host');
    if (host === undefined || !allowed.includes(host.toLowerCase())) return `Host ${JSON.stringify(host ?? '').slice(0, 80)} is not this server's address (${allowed.join(', ')})`;
    const origin = header(req, 'origin');
    if (origin !== undefined) {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host.toLowerCase();
      } catch {
        originHost = undefined;
      }
      if (originHost === undefined || !allowed.includes(originHost)) return `Origin ${JSON.stringify(origin).slice(0, 80)} is not this server's address`;
    }
    return undefined;
  }

  private reply(res: ServerResponse, status: number, code: number, message: string, id: string | number | null, headers: Record<string, string> = {}): void {
    this.opts.onProtocolError?.(code);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Host header values that name a loopback server at `port` (localhost, 127.0.0.1, [::1]). */
export function loopbackHosts(host: string, port: number): string[] | undefined {
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
  if (!loopback) return undefined;
  return ['localhost', '127.0.0.1', '[::1]', host.includes(':') ? `[${host}]` : host].flatMap((h) => [`${h}:${port}`, h]).filter((h, i, all) => all.indexOf(h) === i);
}
