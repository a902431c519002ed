// `embedgate serve --mcp` end to end: a real server on loopback with the fixture model, the
// official SDK client over Streamable HTTP, checked against the same server's /v1/embeddings.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from '../../targets/gguf/serve-process.ts';
import { MAX_EMBED_TEXTS, MCP_HTTP_PATH } from '../tools.ts';
import { CORPUS, documentText, health, httpClient, httpEmbeddings, maxAbsDiff, startMcpServe, writeCorpus } from './testing/serve-mcp.ts';

type Structured = Record<string, any>;
const textOf = (r: object) => (r as { content: { type: string; text: string }[] }).content[0]!.text;

describe('embedgate serve --mcp over Streamable HTTP', () => {
  let corpus: ReturnType<typeof writeCorpus>;
  let serve: ServeProcess;
  let client: Client;

  beforeAll(async () => {
    corpus = writeCorpus();
    serve = await startMcpServe(corpus.dir);
    client = await httpClient(serve.url);
  });
  afterAll(async () => {
    await client?.close();
    await serve?.stop();
    corpus?.remove();
  });

  it('lists embed and search with their input and output schemas, and opens a session', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['embed', 'search']);
    const embed = tools.find((t) => t.name === 'embed')!;
    expect(embed.inputSchema.required).toEqual(['texts']);
    expect(embed.outputSchema?.required).toEqual(expect.arrayContaining(['model', 'dimensions', 'embeddings']));
    expect(client.getInstructions()).toMatch(/search_query: /);
    expect((await health(serve.url))['mcp'].sessions).toBeGreaterThanOrEqual(1);
  });

  it('embed returns the vectors /v1/embeddings returns for the same texts (to 1e-6), as structured content and as text', async () => {
    const texts = ['def add(a, b): return a + b', 'search_query: read a file', '🙂 ünïcödé 中文'];
    const result = await client.callTool({ name: 'embed', arguments: { texts } });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as Structured;
    expect(JSON.parse(textOf(result))).toEqual(s);
    expect(s['model']).toBe('baseline');
    expect(s['dimensions']).toBe(256);
    expect(s['embeddings']).toHaveLength(3);
    expect(s['tokens']).toHaveLength(3);
    const viaHttp = await httpEmbeddings(serve.url, texts);
    expect(maxAbsDiff(s['embeddings'], viaHttp)).toBeLessThan(1e-6);
  });

  it('search returns k documents of the corpus, best first, with the first 200 characters as snippet', async () => {
    const result = await client.callTool({ name: 'search', arguments: { query: 'add two numbers', k: 3 } });
    expect(result.isError).toBeFalsy();
    const { model, results } = result.structuredContent as Structured;
    expect(model).toBe('baseline');
    expect(results).toHaveLength(3);
    const scores = results.map((r: Structured) => r['score']);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const r of results) {
      const doc = CORPUS.find((d) => d._id === r.id);
      expect(doc, `id ${r.id} is in the corpus`).toBeDefined();
      expect(r.snippet).toBe(documentText(doc!).slice(0, 200));
    }
    // The default k (10) is more than the corpus has: every document, once.
    const all = await client.callTool({ name: 'search', arguments: { query: 'read a file' } });
    const ids = (all.structuredContent as Structured)['results'].map((r: Structured) => r['id']);
    expect([...ids].sort()).toEqual(CORPUS.map((d) => d._id).sort());
    expect((all.structuredContent as Structured)['results'].find((r: Structured) => r['id'] === 'long').snippet).toHaveLength(200);
  });

  it('a search result scores the document as cosine(query vector with the query prefix, document vector with the document prefix)', async () => {
    const result = await client.callTool({ name: 'search', arguments: { query: 'sort a list of numbers', k: 1 } });
    const top = (result.structuredContent as Structured)['results'][0];
    const [q, d] = await httpEmbeddings(serve.url, ['search_query: sort a list of numbers', `search_document: ${documentText(CORPUS.find((c) => c._id === top.id)!)}`]);
    const cos = q!.reduce((s, x, i) => s + x * d![i]!, 0) / (Math.hypot(...q!) * Math.hypot(...d!));
    expect(top.score).toBeCloseTo(cos, 5);
  });

  it('tool failures are isError results that say what is wrong, and the server stays up', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ texts: [] }, /expected array to have >=1 items/],
      [{ texts: ['fine', ''] }, /texts\[1\].*empty string/],
      [{ texts: Array.from({ length: MAX_EMBED_TEXTS + 1 }, () => 'x') }, /expected array to have <=2048 items/],
      [{ texts: ['word '.repeat(5000)] }, /tokens.*context|context.*tokens/],
      [{ texts: 'not a list' }, /expected array/],
      [{}, /texts/],
    ];
    for (const [args, message] of cases) {
      const r = await client.callTool({ name: 'embed', arguments: args });
      expect(r.isError, JSON.stringify(args).slice(0, 80)).toBe(true);
      expect(textOf(r)).toMatch(message);
    }
    const k0 = await client.callTool({ name: 'search', arguments: { query: 'x', k: 0 } });
    expect(k0.isError).toBe(true);
    const noQuery = await client.callTool({ name: 'search', arguments: { query: '' } });
    expect(noQuery.isError).toBe(true);
    expect((await fetch(`${serve.url}/health`)).status).toBe(200);
  });

  it('DELETE /mcp ends a session: its id is then unknown (404), and the other sessions go on', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${serve.url}${MCP_HTTP_PATH}`));
    const other = new Client({ name: 'embedgate-test-2', version: '1.0.0' });
    await other.connect(transport);
    const sid = transport.sessionId!;
    const open = (await health(serve.url))['mcp'].sessions as number;
    await transport.terminateSession();
    expect((await health(serve.url))['mcp'].sessions).toBe(open - 1);
    const res = await fetch(`${serve.url}${MCP_HTTP_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sid },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32001);
    await other.close();
    expect((await client.ping())).toEqual({});
  });

  it('counts MCP tool calls in /metrics beside the HTTP counters they share', async () => {
    const before = await (await fetch(`${serve.url}/metrics`)).text();
    const embeddingsBefore = Number(/^embedgate_embeddings_total (\d+)/m.exec(before)![1]);
    await client.callTool({ name: 'embed', arguments: { texts: ['one', 'two'] } });
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    expect(Number(/^embedgate_embeddings_total (\d+)/m.exec(text)![1])).toBe(embeddingsBefore + 2);
    expect(text).toMatch(/^embedgate_mcp_tool_calls_total\{tool="embed",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^embedgate_mcp_tool_calls_total\{tool="embed",outcome="error"\} [1-9]/m);
    expect(text).toMatch(/^embedgate_mcp_tool_calls_total\{tool="search",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^embedgate_mcp_index_documents 6$/m);
    expect(text).toMatch(/^embedgate_http_requests_total\{path="\/mcp",status="200"\} [1-9]/m);
  });
});

describe('embedgate serve --mcp --stateless', () => {
  it('answers a tools/call with no session and no initialize, and the SDK client works without a session id', async () => {
    const corpus = writeCorpus();
    const serve = await startMcpServe(corpus.dir, ['--stateless']);
    try {
      const res = await fetch(`${serve.url}${MCP_HTTP_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'embed', arguments: { texts: ['stateless'] } } }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('mcp-session-id')).toBeNull();
      const data = (await res.text()).split('\n').find((l) => l.startsWith('data: '))!;
      const answer = JSON.parse(data.slice(6)) as { id: number; result: { structuredContent: Structured } };
      expect(answer.id).toBe(7);
      expect(maxAbsDiff(answer.result.structuredContent['embeddings'], await httpEmbeddings(serve.url, ['stateless']))).toBeLessThan(1e-6);

      const transport = new StreamableHTTPClientTransport(new URL(`${serve.url}${MCP_HTTP_PATH}`));
      const client = new Client({ name: 'embedgate-test', version: '1.0.0' });
      await client.connect(transport);
      expect(transport.sessionId).toBeUndefined();
      const search = await client.callTool({ name: 'search', arguments: { query: 'add numbers', k: 2 } });
      expect((search.structuredContent as Structured)['results']).toHaveLength(2);
      await client.close();
      expect((await health(serve.url))['mcp'].sessions).toBe(0);
    } finally {
      await serve.stop();
      corpus.remove();
    }
  });
});
