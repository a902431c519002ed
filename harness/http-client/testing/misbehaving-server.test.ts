// The test server's --die-after flag: the process itself exits (code 1) at the request after N,
// as a server that dies under load; in process, the server stops listening instead.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startMisbehavingServer } from './misbehaving-server.ts';

const SERVER = fileURLToPath(new URL('./misbehaving-server.ts', import.meta.url));
const post = (url: string, input: string) =>
  fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'toy', input }) }).then(
    (r) => r.status,
    (e: Error) => e.message,
  );

describe('misbehaving server --die-after', () => {
  it('as a script, answers N requests and then exits with code 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--die-after', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve) => {
      let text = '';
      child.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        const m = /listening on (\S+)/.exec(text);
        if (m) resolve(m[1]!);
      });
    });
    expect(await post(url, 'a')).toBe(200);
    expect(await post(url, 'b')).toBe(200);
    expect(await post(url, 'c')).toMatch(/fetch failed/);
    expect(await exited).toBe(1);
  });

  it('in process, stops listening', async () => {
    const s = await startMisbehavingServer({ dieAfter: 1 });
    expect(await post(s.url, 'a')).toBe(200);
    expect(await post(s.url, 'b')).toMatch(/fetch failed/);
    expect(await post(s.url, 'c')).toMatch(/fetch failed/);
    expect(s.server.listening).toBe(false);
    await s.close();
  });
});
