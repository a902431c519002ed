// `embedgate serve` refuses MCP options that do not fit, and a corpus it cannot read, before it
// starts anything: exit 2 with what is wrong and where.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveCommand } from '../../server/serve-command.ts';

async function serve(args: string[]): Promise<{ code: number; log: string }> {
  const lines: string[] = [];
  const code = await serveCommand(['--model', 'baseline', '--port', '0', ...args], { log: (l) => lines.push(l) });
  return { code, log: lines.join('\n') };
}

describe('embedgate serve --mcp options', () => {
  it('--stdio or --index-corpus without --mcp is a usage error', async () => {
    const r = await serve(['--stdio']);
    expect(r.code).toBe(2);
    expect(r.log).toMatch(/--stdio needs --mcp/);
  });

  it('a folder without corpus.jsonl is a usage error naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-mcp-empty-'));
    try {
      const r = await serve(['--mcp', '--index-corpus', dir]);
      expect(r.code).toBe(2);
      expect(r.log).toContain(join(dir, 'corpus.jsonl'));
      expect(r.log).toMatch(/not found; give a BEIR folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a corpus line that is not a document is a usage error with file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-mcp-bad-'));
    try {
      writeFileSync(join(dir, 'corpus.jsonl'), '{"_id": "a", "text": "fine"}\n{"_id": "b"}\n');
      const r = await serve(['--mcp', '--index-corpus', dir]);
      expect(r.code).toBe(2);
      expect(r.log).toContain(`${join(dir, 'corpus.jsonl')}:2: a document needs a string "_id" and "text"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--index-max-docs must be a whole number', async () => {
    const r = await serve(['--mcp', '--index-max-docs', 'many']);
    expect(r.code).toBe(2);
    expect(r.log).toMatch(/--index-max-docs expects a whole number ≥ 1, got "many"/);
  });
});
