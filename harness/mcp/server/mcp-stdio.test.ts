// `embedgate serve --mcp --stdio` as an MCP client starts it: the SDK's StdioClientTransport spawns
// the real command; stdout must carry JSON-RPC only, and closing stdin stops the server. A full
// queue is an isError result, shown on a server whose worker is paused (SIGSTOP) so the queue
// stays full for as long as the test needs.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServeProcess } from '../../targets/gguf/serve-process.ts';
import { CORPUS, health, httpClient, httpEmbeddings, maxAbsDiff, startMcpServe, writeCorpus } from './testing/serve-mcp.ts';
import { isAlive as alive } from '../../http-client/testing/processes.ts';

const BIN = fileURLToPath(new URL('../../../bin/embedgate.mjs', import.meta.url));
type Structured = Record<string, any>;

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('embedgate serve --mcp --stdio', () => {
  let corpus: ReturnType<typeof writeCorpus>;
  beforeAll(() => {
    corpus = writeCorpus();
  });
  afterAll(() => corpus?.remove());

  it('answers embed and search over stdin/stdout with nothing else on stdout, and exits when stdin closes', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'serve', '--model', 'baseline', '--contexts', '1', '--mcp', '--stdio', '--index-corpus', corpus.dir], stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const client = new Client({ name: 'embedgate-test', version: '1.0.0' });
    const clientErrors: string[] = [];
    client.onerror = (err) => clientErrors.push(err.message);
    await client.connect(transport);
    const pid = transport.pid!;
    try {
      const url = /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1] ?? (await until(async () => /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1], 'the HTTP address on stderr'));
      await until(async () => ((await health(url))['mcp']?.index?.state === 'ready' ? true : undefined), 'the search index');
      expect((await health(url))['mcp'].transport).toBe('stdio');

      const texts = ['def add(a, b): return a + b', 'search_document: read a file'];
      const embed = await client.callTool({ name: 'embed', arguments: { texts } });
      expect(embed.isError).toBeFalsy();
      expect(maxAbsDiff((embed.structuredContent as Structured)['embeddings'], await httpEmbeddings(url, texts))).toBeLessThan(1e-6);

      const search = await client.callTool({ name: 'search', arguments: { query: 'random id', k: 2 } });
      const results = (search.structuredContent as Structured)['results'] as Structured[];
      expect(results).toHaveLength(2);
      expect(results[0]!['score']).toBeGreaterThanOrEqual(results[1]!['score']);
      for (const r of results) expect(CORPUS.map((d) => d._id)).toContain(r['id']);

      const bad = await client.callTool({ name: 'embed', arguments: { texts: [''] } });
      expect(bad.isError).toBe(true);
      await expect(client.callTool({ name: 'no-such-tool', arguments: {} })).rejects.toThrow(/-32602.*Unknown tool/);
      // Every line the server wrote to stdout was a JSON-RPC message the client could read.
      expect(clientErrors).toEqual([]);
      expect(stderr).toMatch(/mcp: search index ready: 6 of 6 documents/);
    } finally {
      await client.close();
    }
    await until(async () => (alive(pid) ? undefined : true), 'the server to exit after stdin closed', 20_000);
    expect(stderr).toMatch(/serve: stdin closed, finishing requests in flight/);
  });

  it('a stdin line that is not JSON gets -32700 and one that is not JSON-RPC -32600, on stdout, and the session goes on', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--model', 'baseline', '--contexts', '1', '--mcp', '--stdio', '--index-corpus', corpus.dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      child.stdin.write('this is not json\n');
      child.stdin.write('{"jsonrpc":"1.0","id":1,"method":"ping"}\n');
      child.stdin.write('{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
      const lines = await until(async () => {
        const l = stdout.split('\n').filter((x) => x.trim() !== '');
        return l.length >= 3 ? l : undefined;
      }, 'three answers on stdout', 30_000);
      const messages = lines.map((l) => JSON.parse(l) as Structured);
      expect(messages.map((m) => m['error']?.code ?? 'result')).toEqual([-32700, -32600, 'result']);
      expect(messages[2]!['id']).toBe(2);
    } finally {
      child.stdin.end();
    }
    expect(await exited).toBe(0);
  });

  it('a full queue is an isError result naming the capacity; the call after the queue drains succeeds', async () => {
    const serve: ServeProcess = await startMcpServe(corpus.dir, ['--queue', '4']);
    const client = await httpClient(serve.url);
    const workerPid = (await health(serve.url))['worker'].pid as number;
    try {
      // Too many texts for this server's queue is refused before anything is queued.
      const tooMany = await client.callTool({ name: 'embed', arguments: { texts: ['a', 'b', 'c', 'd', 'e'] } });
      expect(tooMany.isError).toBe(true);
      expect((tooMany.content as { text: string }[])[0]!.text).toMatch(/at most 4/);

      process.kill(workerPid, 'SIGSTOP');
      const held = httpEmbeddings(serve.url, ['w', 'x', 'y', 'z']).catch((err: unknown) => err);
      await until(async () => {
        const q = (await health(serve.url))['queue'];
        return q.depth + q.inFlight >= 4 ? true : undefined;
      }, 'the queue to fill');
      const full = await client.callTool({ name: 'embed', arguments: { texts: ['one more'] } });
      expect(full.isError).toBe(true);
      expect((full.content as { text: string }[])[0]!.text).toMatch(/at capacity \(4 of 4 texts/);
      process.kill(workerPid, 'SIGCONT');
      expect(await held).toHaveLength(4);
      const after = await client.callTool({ name: 'embed', arguments: { texts: ['one more'] } });
      expect(after.isError).toBeFalsy();
    } finally {
      try {
        process.kill(workerPid, 'SIGCONT');
      } catch {
        // already gone
      }
      await client.close();
      await serve.stop();
    }
  });
});
