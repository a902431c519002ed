// Connections to an MCP server through the official SDK client: a child the harness starts and
// speaks to over stdio, or a Streamable HTTP session at a loopback URL. A connection is one MCP
// session (initialize, then tool calls); closing it ends the session and, for stdio, the child.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HARNESS_VERSION } from '../../provenance.ts';

export interface McpConnection {
  client: Client;
  /** The stdio child's pid; undefined over HTTP. */
  pid?: number;
  /** The Streamable HTTP session id the server gave, if it gave one. */
  sessionId?: string;
  /** Ends the session (HTTP: DELETE, when the server gave a session id) and closes the transport. */
  close(): Promise<void>;
  /** HTTP: the Retry-After header of the last answer, when it was a 503 (undefined: none, or not a 503). */
  retryAfter?(): string | undefined;
}

const CLIENT_INFO = { name: 'embedgate', version: HARNESS_VERSION };

/** How many lines of a child's stderr are kept for error messages. */
const STDERR_LINES = 40;

export interface StdioOptions {
  command: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each line the child writes to stderr. */
  onLog?: (line: string) => void;
  /** For initialize. */
  timeoutMs: number;
}

/** Starts the command and initializes an MCP session over its stdin/stdout. */
export async function connectStdio(o: StdioOptions): Promise<McpConnection & { pid: number; stderrTail(): string[]; exit(): string | undefined }> {
  const [command, ...args] = o.command;
  // Every variable, not the SDK's short safe list: the server needs EMBEDGATE_* and PATH alike.
  const env = Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: command!, args, cwd: o.cwd, env, stderr: 'pipe' });
  const tail: string[] = [];
  let partial = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > STDERR_LINES) tail.shift();
      o.onLog?.(line);
    }
  });
  let exit: string | undefined;
  const client = new Client(CLIENT_INFO);
  client.onclose = () => {
    exit ??= 'the server closed its stdio';
  };
  try {
    await client.connect(transport, { timeout: o.timeoutMs });
  } catch (err) {
    await transport.close().catch(() => undefined);
    const said = tail.filter((l) => l.trim()).slice(-8).join('\n    ');
    throw new Error(`mcp server ${o.command.join(' ')} (in ${o.cwd}) did not initialize: ${(err as Error).message}${said ? `\n    its stderr:\n    ${said}` : ''}`, { cause: err });
  }
  const pid = transport.pid;
  if (pid === null) throw new Error(`mcp server ${o.command.join(' ')}: started, but the SDK knows no pid for it`);
  return {
    client,
    pid,
    stderrTail: () => [...tail],
    exit: () => exit,
    close: () => client.close(),
  };
}

/** Initializes an MCP session over Streamable HTTP. */
export async function connectHttp(url: string, timeoutMs: number): Promise<McpConnection> {
  // The SDK's error for a 503 carries no headers: keep the last answer's Retry-After here.
  let retryAfter: string | undefined;
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      retryAfter = response.status === 503 ? (response.headers.get('retry-after') ?? undefined) : undefined;
      return response;
    },
  });
  const client = new Client(CLIENT_INFO);
  try {
    await client.connect(transport, { timeout: timeoutMs });
  } catch (err) {
    await transport.close().catch(() => undefined);
    throw new Error(`mcp server at ${url} did not initialize a session: ${(err as Error).message}`, { cause: err });
  }
  const connection: McpConnection = {
    client,
    retryAfter: () => retryAfter,
    close: async () => {
      // A server that keeps sessions frees this one now rather than when it times out.
      if (transport.sessionId !== undefined) await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
  if (transport.sessionId !== undefined) connection.sessionId = transport.sessionId;
  return connection;
}
