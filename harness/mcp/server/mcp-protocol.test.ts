// Malformed JSON-RPC over real HTTP to a real `embedgate serve --mcp`: every case of the inputs
// kind's JSON-RPC corpus gets the error code the specifications name (or an isError result where
// MCP says so), and the server stays up: /health answers 200 after each, with no worker restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonRpcCases } from '../../kinds/inputs/jsonrpc-cases.ts';
import { judgeJsonRpc, openMcpSession, sendCase } from '../../kinds/inputs/jsonrpc-send.ts';
import type { ServeProcess } from '../../targets/gguf/serve-process.ts';
import { MCP_HTTP_PATH } from '../tools.ts';
import { health, startMcpServe, writeCorpus } from './testing/serve-mcp.ts';

describe('embedgate serve --mcp and malformed JSON-RPC', () => {
  let corpus: ReturnType<typeof writeCorpus>;
  let serve: ServeProcess;
  beforeAll(async () => {
    corpus = writeCorpus();
    serve = await startMcpServe(corpus.dir);
  });
  afterAll(async () => {
    await serve?.stop();
    corpus?.remove();
  });

  it('answers each case as JSON-RPC 2.0 and MCP say, and stays up after every one', async () => {
    const url = `${serve.url}${MCP_HTTP_PATH}`;
    const session = await openMcpSession(url, 15_000);
    const restartsBefore = (await health(serve.url))['worker'].restarts;
    const wrong: string[] = [];
    const cases = jsonRpcCases({ bodyLimit: 8 * 1024 * 1024 });
    for (const c of cases) {
      const answer = await sendCase(url, session, c, 15_000);
      const verdict = judgeJsonRpc(c.expect, answer);
      if (!verdict.ok) wrong.push(`${c.name} (${c.what}): ${verdict.why}`);
      const h = await fetch(`${serve.url}/health`);
      await h.arrayBuffer();
      if (h.status !== 200) wrong.push(`${c.name}: /health answered ${h.status} after it`);
    }
    expect(wrong).toEqual([]);
    expect(serve.alive).toBe(true);
    expect((await health(serve.url))['worker'].restarts).toBe(restartsBefore);
    // The session still works after all of it.
    const after = await sendCase(url, session, cases[0]!, 15_000);
    expect(judgeJsonRpc({ result: true }, after).ok).toBe(true);
  });

  it('the judge can fail: a wrong expectation is reported with what came back', async () => {
    const url = `${serve.url}${MCP_HTTP_PATH}`;
    const session = await openMcpSession(url, 15_000);
    const c = jsonRpcCases({ bodyLimit: 1024 }).find((x) => x.name === 'unknown-method')!;
    const verdict = judgeJsonRpc({ error: -32602 }, await sendCase(url, session, c, 15_000));
    expect(verdict.ok).toBe(false);
    expect(verdict.why).toMatch(/expected JSON-RPC error -32602, got -32601/);
  });
});
