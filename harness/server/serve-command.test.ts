// `embedgate serve` as users run it: a real process, stopped by SIGTERM while a request runs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/embedgate.mjs', import.meta.url));

async function until(done: () => boolean, failure: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((r) => setTimeout(r, 10));
  }
}

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
      // The request is in flight for certain when SIGTERM is sent, whatever the machine's speed: the
      // server has accepted it (Node answers "100 Continue" as it hands the request to the handler)
      // but has not had its body yet. The body follows the signal, so all of its work happens while
      // the server drains, and it is small enough to finish well inside the drain window.
      const texts = Array.from({ length: 16 }, (_, i) => `const value${i} = compute(${i}, "some text to embed");`);
      const body = JSON.stringify({ input: texts });
      const req = request(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } });
      const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
      });
      req.flushHeaders();
      await once(req, 'continue');
      child.kill('SIGTERM');
      await until(() => /SIGTERM, finishing requests in flight/.test(log), `no drain line after SIGTERM:\n${log}`);
      // New work is refused while the one in flight is still waiting for its body.
      const late = await fetch(`${url}/v1/embeddings`, { method: 'POST', body: JSON.stringify({ input: ['late'] }) }).then((r) => r.status, () => 'refused');
      expect([503, 'refused']).toContain(late);
      req.end(body);
      const res = await answer;
      expect(res.status, res.text).toBe(200);
      expect((JSON.parse(res.text) as { data: unknown[] }).data).toHaveLength(texts.length);
      expect(await exited).toBe(0);
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
