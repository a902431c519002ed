// `embedgate serve` as users run it: a real process, stopped by SIGTERM while a request runs.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/embedgate.mjs', import.meta.url));

describe('embedgate serve', () => {
  it('SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--model', 'baseline', '--port', '0', '--contexts', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line in time:\n${log}`)), 45_000);
        child.stderr.on('data', () => {
          const m = /ready at (http:\/\/[\d.:]+)/.exec(log);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const texts = Array.from({ length: 300 }, (_, i) => `const value${i} = compute(${i}, "some text to embed");`);
      const inFlight = fetch(`${url}/v1/embeddings`, { method: 'POST', body: JSON.stringify({ input: texts }) });
      // Signal only once the request is in the queue.
      for (;;) {
        const h = (await (await fetch(`${url}/health`)).json()) as { queue: { depth: number; inFlight: number } };
        if (h.queue.depth + h.queue.inFlight > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(300);
      expect(await exited).toBe(0);
      expect(log).toMatch(/SIGTERM, finishing requests in flight/);
      await expect(fetch(`${url}/health`)).rejects.toThrow(); // no longer listening
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('bad usage exits 2 with the usage text', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--overflow', 'maybe', '--model', 'baseline'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/--overflow expects error or truncate/);
  });
});
