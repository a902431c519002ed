// The MCP tools of `embedgate serve --mcp`, the shape of the code-search bridge: one place that
// both the server (harness/mcp/server/) and the mcp target's default tool mapping
// (harness/targets/mcp/) read, so they cannot drift apart. A team's own bridge may name its tools
// and arguments differently; the mcp target's mapping says how (docs/mcp.md).
import { z } from 'zod';

/** Texts one `embed` call may carry: the HTTP server's limit on inputs per request. */
export const MAX_EMBED_TEXTS = 2048;
/** The most documents one `search` call may ask for. */
export const MAX_SEARCH_K = 100;

export const EMBED_TOOL = {
  name: 'embed',
  description:
    'Embed texts with the served model. Texts are embedded as given: add the model’s query or document prefix yourself (GET /v1/models or the server’s instructions name them).',
  input: {
    texts: z.array(z.string()).min(1).max(MAX_EMBED_TEXTS).describe('texts to embed, one vector each, in order'),
  },
  output: {
    model: z.string().describe('the served model id'),
    dimensions: z.number().int().positive(),
    /** One vector per text, in the order of `texts`. */
    embeddings: z.array(z.array(z.number())),
    /** Tokens each text became, when the server counted them. */
    tokens: z.array(z.number().int()).optional(),
  },
} as const;

export const SEARCH_TOOL = {
  name: 'search',
  description:
    'Semantic code search: the k documents of the server’s index nearest to a query (cosine similarity of the served model’s embeddings; the query prefix is added by the server).',
  input: {
    query: z.string().min(1).describe('what to look for, in words or code'),
    k: z.number().int().min(1).max(MAX_SEARCH_K).default(10).describe(`how many documents (1–${MAX_SEARCH_K}, default 10)`),
  },
  output: {
    model: z.string(),
    /** Best first. */
    results: z.array(z.object({ id: z.string(), score: z.number(), snippet: z.string() })),
  },
} as const;

export type EmbedArgs = { texts: string[] };
export type EmbedResult = { model: string; dimensions: number; embeddings: number[][]; tokens?: number[] };
export type SearchArgs = { query: string; k?: number };
export type SearchResult = { model: string; results: { id: string; score: number; snippet: string }[] };

/** Where `embedgate serve --mcp` answers Streamable HTTP, beside /v1/embeddings on the same port. */
export const MCP_HTTP_PATH = '/mcp';
