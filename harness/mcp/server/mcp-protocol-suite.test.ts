// suites/mcp-protocol.yaml as users run it (the CLI, a gguf target served with --mcp): it passes
// against embedgate serve --mcp, and an http target without MCP is inconclusive, never a pass.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../paths.ts';
import { ServeProcess } from '../../targets/gguf/serve-process.ts';
import { runCli } from '../../testing/run-cli.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-mcp-suite-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('suites/mcp-protocol.yaml', () => {
  it('passes against embedgate serve --mcp: every JSON-RPC case right, the server up throughout', async () => {
    const ran = await runCli(['run', join(REPO_ROOT, 'suites', 'mcp-protocol.yaml')], { outUnder: work });
    const suite = ran.report?.suites[0];
    expect(suite, ran.output).toBeDefined();
    expect(suite!.metrics['inputs.tried']?.value).toBeGreaterThanOrEqual(38);
    expect((suite!.details as { failures: unknown[] }).failures).toEqual([]);
    expect(ran.code, ran.output).toBe(0);
  }, 180_000);

  it('is inconclusive (exit 3) against a server with no MCP endpoint', async () => {
    const plain = await ServeProcess.start({ model: 'baseline', contexts: 1 });
    try {
      const file = join(work, 'no-mcp.yaml');
      writeFileSync(file, `suite: no-mcp\nkind: inputs\ntarget: { http: ${plain.url} }\ninputs:\n  corpus: jsonrpc\nchecks:\n  - inputs.unclear == 0\n`);
      const ran = await runCli(['run', file], { outUnder: work });
      expect(ran.code, ran.output).toBe(3);
      expect(ran.output).toMatch(/does not open an MCP session/);
    } finally {
      await plain.stop();
    }
  }, 120_000);
});
