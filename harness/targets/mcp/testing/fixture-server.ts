// A small MCP server for the mcp target's tests, built from the SDK's McpServer: `embed` through a
// real gguf target (node-llama-cpp in its own worker), and `search` over a BEIR folder's corpus
// embedded at start-up with the model's document prefix (queries get its query prefix), ranked by
// exact cosine. Over stdio (--stdio) or Streamable HTTP on 127.0.0.1 (--port N; default any free
// port, printed as `listening on http://127.0.0.1:PORT/mcp`, as spawnTestServer expects). --style text answers the embed tool as JSON in a
// text block under the tool name embed_texts, argument inputs, vectors at data.vectors, with no
// structured content: a server whose tools need a mapping.
//   node --import tsx harness/targets/mcp/testing/fixture-server.ts --model baseline --stdio [--index DIR]
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { readBeirDataset } from '../../../datasets/beir.ts';
import { EMBED_TOOL, SEARCH_TOOL } from '../../../mcp/tools.ts';
import { openGgufTarget } from '../../gguf/target.ts';
import { TargetPool } from '../../open.ts';

const { values } = parseArgs({
  options: { model: { type: 'string', default: 'baseline' }, stdio: { type: 'boolean' }, port: { type: 'string' }, index: { type: 'string' }, style: { type: 'string', default: 'embedgate' } },
});
const log = (m: string) => process.stderr.write(`fixture-server: ${m}\n`);
const model = await new TargetPool({ onLog: log }).resolve(values.model!);
const target = await openGgufTarget(model, { onLog: log });
const info = target.info();

const unit = (v: Float32Array) => {
  let n = 0;
  for (const x of v) n += x * x;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return v.map((x) => x * s);
};
let index: { ids: string[]; texts: string[]; vectors: Float32Array[] } | undefined;
if (values.index) {
  const docs = readBeirDataset(values.index).documents;
  const vectors: Float32Array[] = [];
  for (let i = 0; i < docs.length; i += 64) vectors.push(...(await target.embed(docs.slice(i, i + 64).map((d) => info.documentPrefix + d.text))).map(unit));
  index = { ids: docs.map((d) => d.id), texts: docs.map((d) => d.text), vectors };
  log(`indexed ${docs.length} documents`);
}

function buildServer(): McpServer {
  const server = new McpServer({ name: 'embedgate-mcp-fixture', version: '0.0.0' });
  if (values.style === 'text') {
    server.registerTool('embed_texts', { description: 'embed', inputSchema: { inputs: z.array(z.string()) } }, async ({ inputs }) => {
      const vectors = await target.embed(inputs);
      return { content: [{ type: 'text', text: JSON.stringify({ data: { vectors: vectors.map((v) => Array.from(v)) } }) }] };
    });
  } else {
    server.registerTool(EMBED_TOOL.name, { description: EMBED_TOOL.description, inputSchema: EMBED_TOOL.input, outputSchema: EMBED_TOOL.output }, async ({ texts }) => {
      const vectors = await target.embed(texts);
      const out = { model: info.name, dimensions: info.dimensions, embeddings: vectors.map((v) => Array.from(v)) };
      return { content: [{ type: 'text', text: `${vectors.length} embeddings of ${info.dimensions} dimensions` }], structuredContent: out };
    });
  }
  if (index) {
    const ix = index;
    server.registerTool(SEARCH_TOOL.name, { description: SEARCH_TOOL.description, inputSchema: SEARCH_TOOL.input, outputSchema: SEARCH_TOOL.output }, async ({ query, k }) => {
      const q = unit((await target.embed([info.queryPrefix + query]))[0]!);
      const scored = ix.vectors.map((v, i) => ({ i, score: v.reduce((a, x, d) => a + x * q[d]!, 0) })).sort((a, b) => b.score - a.score || a.i - b.i);
      const results = scored.slice(0, k).map(({ i, score }) => ({ id: ix.ids[i]!, score, snippet: ix.texts[i]!.slice(0, 80) }));
      return { content: [{ type: 'text', text: `${results.length} results` }], structuredContent: { model: info.name, results } };
    });
  }
  return server;
}

if (values.stdio) {
  await buildServer().connect(new StdioServerTransport());
  process.stdin.on('close', () => void target.close().then(() => process.exit(0)));
} else {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
  };
  const http = createServer((req, res) => {
    void (async () => {
      if (!req.url?.startsWith('/mcp')) return void res.writeHead(404).end();
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport) {
        if (typeof id === 'string') return void res.writeHead(404).end('unknown session');
        const t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => void sessions.set(sid, t) });
        t.onclose = () => void (t.sessionId && sessions.delete(t.sessionId));
        await buildServer().connect(t);
        transport = t;
      }
      await transport.handleRequest(req, res, req.method === 'POST' ? await readBody(req) : undefined);
    })().catch((err: unknown) => {
      log(String(err));
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  http.listen(Number(values.port ?? 0), '127.0.0.1', () => {
    const address = http.address();
    process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/mcp\n`);
  });
  const stop = () => void target.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
