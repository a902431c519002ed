// `embedgate serve --mcp`: the MCP front end beside the HTTP API, over the same embed service,
// queue, cache and metrics. Streamable HTTP at /mcp on the server's port, or (--stdio) one session
// on stdin/stdout, where stdout carries JSON-RPC only (every log line goes to stderr). The search
// index is built once the model is ready; /health says how far it got.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { REPO_ROOT } from '../../paths.ts';
import type { FrontEnd, FrontEndParts } from '../../server/server.ts';
import { EMBED_TOOL, MCP_HTTP_PATH, SEARCH_TOOL } from '../tools.ts';
import type { IndexCorpus } from './corpus.ts';
import { HttpSessions, loopbackHosts } from './http-sessions.ts';
import { INVALID_REQUEST, PARSE_ERROR } from './jsonrpc-door.ts';
import { createMcpMetrics } from './mcp-metrics.ts';
import { guardTransport } from './message-guard.ts';
import { registerTools } from './register-tools.ts';
import { SearchIndex } from './search-index.ts';

const TOOLS = [EMBED_TOOL.name, SEARCH_TOOL.name] as const;

export interface McpFrontEndOptions {
  corpus: IndexCorpus;
  /** Serve MCP on stdin/stdout instead of /mcp. */
  stdio: boolean;
  /** Streamable HTTP: also serve requests without Mcp-Session-Id, each on its own. */
  stateless?: boolean;
  /** For tests: the streams stdio uses (default process.stdin/stdout). */
  streams?: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream };
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function mcpFrontEnd(opts: McpFrontEndOptions): (parts: FrontEndParts) => FrontEnd {
  return (parts) => {
    const log = parts.onLog;
    const index = new SearchIndex(parts.service, opts.corpus, { query: parts.model.queryPrefix, document: parts.model.documentPrefix });
    let sessions: HttpSessions | undefined;
    const metrics = createMcpMetrics(parts.metrics, { sessions: () => sessions?.size ?? (opts.stdio ? 1 : 0), index });
    const onRefused = (code: number) => metrics.protocolErrors.inc({ code: String(code) });
    const instructions =
      `Embeddings of the model "${parts.modelIds[0]}". embed: texts are embedded as given; add the model's prefix yourself ` +
      `(query: ${JSON.stringify(parts.model.queryPrefix)}, document: ${JSON.stringify(parts.model.documentPrefix)}). ` +
      `search: the ${opts.corpus.documents.length} documents of ${opts.corpus.name}, nearest first by cosine similarity; the query prefix is added for you.`;
    const connect = async <T extends Transport>(transport: T): Promise<McpServer> => {
      const server = new McpServer({ name: 'embedgate', version: version() }, { capabilities: { tools: {} }, instructions });
      registerTools(server, { parts, index, metrics });
      await server.connect(transport);
      guardTransport(transport, TOOLS, onRefused);
      return server;
    };

    const building = new AbortController();
    parts.ready.then(
      () => {
        log?.(`mcp: building the search index: ${opts.corpus.documents.length} documents of ${opts.corpus.name}`);
        return index.build(building.signal, log);
      },
      () => {}, // the model failed to load: serve says so and exits
    );

    let ended: Promise<string> | undefined;
    let stdioServer: Promise<McpServer> | undefined;
    if (opts.stdio) {
      const stdin = opts.streams?.stdin ?? process.stdin;
      const stdout = opts.streams?.stdout ?? process.stdout;
      const transport = new StdioServerTransport(stdin as never, stdout as never);
      // A line that is not JSON, or not JSON-RPC, gets its error (the SDK's stdio transport drops it).
      transport.onerror = (err) => {
        const code = err instanceof SyntaxError ? PARSE_ERROR : (err as { name?: string }).name === 'ZodError' || 'issues' in err ? INVALID_REQUEST : undefined;
        if (code === undefined) return;
        onRefused(code);
        void transport.send({ jsonrpc: '2.0', id: null as never, error: { code, message: code === PARSE_ERROR ? `Parse error: ${err.message}` : 'Invalid Request: not a JSON-RPC 2.0 message' } }).catch(() => {});
      };
      stdioServer = connect(transport);
      ended = new Promise((resolve) => {
        stdin.once('end', () => resolve('stdin closed'));
        transport.onclose = () => resolve('the MCP stdio transport closed');
      });
      log?.('mcp: serving MCP on stdin/stdout');
    } else {
      const url = new URL(parts.url);
      const allowedHosts = loopbackHosts(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port));
      sessions = new HttpSessions({ parts, connect, ...(allowedHosts ? { allowedHosts } : {}), onProtocolError: onRefused, stateless: opts.stateless ?? false });
      log?.(`mcp: serving MCP (Streamable HTTP) at ${parts.url}${MCP_HTTP_PATH}`);
    }

    return {
      handle: (req, res) => sessions?.handle(req, res) ?? false,
      health: () => ({ mcp: { transport: opts.stdio ? 'stdio' : 'streamable-http', ...(opts.stdio ? {} : { path: MCP_HTTP_PATH, sessions: sessions?.size ?? 0 }), index: index.status() } }),
      stop: async () => {
        building.abort();
        await sessions?.stop();
        await (await stdioServer?.catch(() => undefined))?.close().catch(() => {});
      },
      ...(ended ? { ended } : {}),
    };
  };
}
