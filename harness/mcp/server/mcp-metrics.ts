// Metrics of the MCP front end, in the same registry as the HTTP API's, so one /metrics scrape
// shows both. The embedgate_* counters the embed tool shares (embeddings, tokens, batch size)
// are the HTTP API's own.
import { Counter, Gauge, Histogram } from '../../server/prometheus.ts';
import type { ServerMetrics } from '../../server/server-metrics.ts';
import type { SearchIndex } from './search-index.ts';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMcpMetrics(server: ServerMetrics, live: { sessions: () => number; index: SearchIndex }) {
  const r = server.registry;
  const m = {
    toolCalls: r.add(new Counter('embedgate_mcp_tool_calls_total', 'MCP tools/call requests answered, by tool and outcome (ok, or error: an isError result)')),
    toolSeconds: r.add(new Histogram('embedgate_mcp_tool_duration_seconds', 'time to answer an MCP tools/call, from the call to its result', SECONDS)),
    protocolErrors: r.add(new Counter('embedgate_mcp_protocol_errors_total', 'MCP messages refused with a JSON-RPC error before reaching a tool, by code')),
  };
  r.add(new Gauge('embedgate_mcp_sessions', 'open MCP Streamable HTTP sessions', live.sessions));
  r.add(new Gauge('embedgate_mcp_index_documents', 'documents in the search index (0 until it is built)', () => (live.index.status().state === 'ready' ? live.index.status().embedded : 0)));
  r.add(new Gauge('embedgate_mcp_index_ready', '1 once the search index is built', () => (live.index.status().state === 'ready' ? 1 : 0)));
  return m;
}

export type McpMetrics = ReturnType<typeof createMcpMetrics>;
