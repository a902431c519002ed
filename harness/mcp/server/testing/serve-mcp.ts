// Test helpers: a small BEIR corpus on disk, a real `embedgate serve --mcp` on loopback with the
// fixture model, and the SDK client connected to it over Streamable HTTP.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ServeProcess } from '../../../targets/gguf/serve-process.ts';
import { MCP_HTTP_PATH } from '../../tools.ts';

export const CORPUS = [
  { _id: 'add', text: 'function add(a: number, b: number): number { return a + b; }' },
  { _id: 'read', title: 'readFile', text: "Reads the whole file into a string: fs.readFileSync(path, 'utf8')" },
  { _id: 'sort', text: 'function sortNumbers(xs: number[]): number[] { return [...xs].sort((a, b) => a - b); }' },
  { _id: 'fetch', text: 'async function getJson(url: string) { const res = await fetch(url); return res.json(); }' },
  { _id: 'uuid', text: "import { randomUUID } from 'node:crypto'; const id = randomUUID();" },
  { _id: 'long', text: `/** A long document: its snippet is cut at 200 characters. */ ${'export const table = [1, 2, 3, 4, 5, 6, 7, 8, 9]; '.repeat(8)}` },
];

/** The text the index embeds for a corpus line (title and text, as the BEIR reader joins them). */
export const documentText = (d: (typeof CORPUS)[number]) => ('title' in d && d.title ? `${d.title} ${d.text}` : d.text);

export function writeCorpus(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-mcp-corpus-'));
  writeFileSync(join(dir, 'corpus.jsonl'), CORPUS.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function health(url: string): Promise<Record<string, any>> {
  const res = await fetch(`${url}/health`);
  return (await res.json()) as Record<string, any>;
}

/** Waits until /health says the search index is ready (or failed: then throws with why). */
export async function indexReady(url: string, timeoutMs = 60_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(url);
    const index = h['mcp']?.index;
    if (index?.state === 'ready') return index;
    if (index?.state === 'failed') throw new Error(`the search index failed: ${index.error}`);
    if (Date.now() > deadline) throw new Error(`the search index was not ready within ${timeoutMs} ms: ${JSON.stringify(index)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startMcpServe(corpusDir: string, extraArgs: string[] = []): Promise<ServeProcess> {
  const serve = await ServeProcess.start({ model: 'baseline', contexts: 2, extraArgs: ['--mcp', '--index-corpus', corpusDir, ...extraArgs] });
  await indexReady(serve.url);
  return serve;
}

export async function httpClient(url: string): Promise<Client> {
  const client = new Client({ name: 'embedgate-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}${MCP_HTTP_PATH}`)));
  return client;
}

/** Vectors of POST /v1/embeddings for the same texts. */
export async function httpEmbeddings(url: string, texts: string[]): Promise<number[][]> {
  const res = await fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: texts }) });
  if (res.status !== 200) throw new Error(`POST /v1/embeddings answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { data: { embedding: number[] }[] }).data.map((d) => d.embedding);
}

export function maxAbsDiff(a: number[][], b: number[][]): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i]!.length; j++) max = Math.max(max, Math.abs(a[i]![j]! - b[i]![j]!));
  return max;
}
