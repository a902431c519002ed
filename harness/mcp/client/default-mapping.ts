// The tool mapping an mcp target uses when the suite gives none: the tools of `embedgate serve
// --mcp` as harness/mcp/tools.ts declares them. Written out here, without zod, so that loading a
// suite (`embedgate check`) does not load the MCP contract; a test holds the two together.
import type { McpToolMapping } from '../../plan.ts';

export const DEFAULT_TOOL_MAPPING: McpToolMapping = {
  embed: { name: 'embed', texts: 'texts', result: 'embeddings' },
  search: { name: 'search', query: 'query', k: 'k', results: 'results', id: 'id', score: 'score' },
};

/** Per tool call, unless the suite says otherwise (callTimeout:). */
export const DEFAULT_CALL_TIMEOUT = '60s';
