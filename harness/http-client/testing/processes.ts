// Helpers for tests that start real processes: test servers (the misbehaving one, or any script
// that prints "listening on URL") as child processes of their own (so their memory and death are
// their own), and whether a pid is still alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The misbehaving test server script (its flags: see the file). */
export const MISBEHAVING_SERVER = fileURLToPath(new URL('./misbehaving-server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts misbehaving-server.ts with these flags; resolves to its URL once it listens. */
export async function spawnMisbehavingServer(args: string[], children: ChildProcess[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return (await spawnTestServer(MISBEHAVING_SERVER, args, children, env)).url;
}

/**
 * Starts a test server script (run through tsx) that prints "listening on URL"; resolves once it
 * does. If it exits first, the error carries the tail of its stderr. Used by tests and by
 * `embedgate selfcheck`, whose stand-in servers are these scripts.
 */
export function spawnTestServer(script: string, args: string[], children: ChildProcess[], env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /listening on (\S+)/.exec(text);
      if (m) resolve({ url: m[1]!, child });
    });
    child.on('close', (code) => reject(new Error(`test server ${script} ${args.join(' ')} exited with ${code} before listening${stderr ? `: ${stderr.trim()}` : ''}`)));
  });
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
