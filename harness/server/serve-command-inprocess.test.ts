// `embedgate serve`'s command in this process (serve-command.test.ts runs it as a child, which
// coverage cannot see): its usage errors (exit 2), a model that cannot load (exit 3), and a real
// start with every option that serves embeddings and drains to exit 0 on SIGTERM.
import { describe, expect, it } from 'vitest';
import { ensureBadModels } from '../gguf/fixtures/ensure.ts';
import { serveCommand } from './serve-command.ts';

function capture(): { log: (line: string) => void; text: () => string } {
  const lines: string[] = [];
  return { log: (l) => lines.push(l), text: () => lines.join('\n') };
}

async function until<T>(get: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('embedgate serve, in process', () => {
  it.each([
    [[], /serve needs --model <name\|path\.gguf>/],
    [['--model', 'baseline', '--overflow', 'drop'], /--overflow expects error or truncate, got "drop"/],
    [['--model', 'baseline', '--contexts', 'two'], /--contexts expects a whole number ≥ 1, got "two"/],
    [['--model', 'baseline', '--port=1.5'], /--port expects a whole number ≥ 0, got "1.5"/],
    [['--model', 'baseline', '--bogus'], /Unknown option '--bogus'/],
    [['--model', 'basline'], /unknown model 'basline'/],
  ])('%j is a usage error (exit 2) that says what is wrong', async (argv, message) => {
    const out = capture();
    expect(await serveCommand(argv, out)).toBe(2);
    expect(out.text()).toMatch(message);
  });

  it('--help prints the usage and exits 0', async () => {
    const out = capture();
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    try {
      expect(await serveCommand(['--help'], out)).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(written.join('')).toMatch(/^embedgate serve --model <name\|path\.gguf> \[options\]/);
  });

  it('a model that cannot load ends the command with exit 3, naming the file and the reason', async () => {
    const bad = (await ensureBadModels())['truncated'];
    const out = capture();
    expect(await serveCommand(['--model', bad, '--port', '0'], out)).toBe(3);
    expect(out.text()).toMatch(/embedgate serve: .*truncated\.gguf/);
  });

  it('serves with every option set, and on SIGTERM drains and exits 0', async () => {
    const before = new Set(process.listeners('SIGTERM'));
    const onTerm = () => process.listeners('SIGTERM').find((l) => !before.has(l)) as (() => void) | undefined;
    const out = capture();
    const args = ['--model', 'baseline', '--port', '0', '--host', '127.0.0.1', '--overflow', 'truncate', '--contexts', '1', '--threads', '1', '--queue', '64', '--max-inputs', '4', '--cache-mb', '1', '--prefix', 'search_query: ', '--max-crashes', '2', '--cooldown', '1', '--fault-injection'];
    const exited = serveCommand(args, out);
    try {
      const url = await until(() => /listening on (http:\/\/[\d.:]+)/.exec(out.text())?.[1], 'the listening line');
      await healthy(url);
      const post = (input: unknown) => fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input }) });
      expect((await post(['a', 'b', 'c', 'd', 'e'])).status).toBe(400); // --max-inputs 4
      expect((await post('read a file')).status).toBe(200);
      expect((await fetch(`${url}/debug/faults/corrupt-cache?count=1`, { method: 'POST' })).status).toBe(200); // --fault-injection
      const handler = onTerm();
      expect(handler).toBeDefined();
      handler!();
      expect(await exited).toBe(0);
      expect(out.text()).toMatch(/serve: SIGTERM, finishing requests in flight/);
      expect(process.listeners('SIGTERM')).not.toContain(handler);
    } finally {
      // Whatever failed above, the server must not outlive the test: it would keep this process up.
      onTerm()?.();
      await exited;
    }
  }, 120_000);
});

async function healthy(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}/health`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url}/health did not answer 200 within ${timeoutMs / 1000} s`);
}
