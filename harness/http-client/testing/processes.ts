// Helpers for tests that start real processes: the misbehaving test server as a child process of
// its own (so its memory and death are its own), and whether a pid is still alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./misbehaving-server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts misbehaving-server.ts with these flags; resolves to its URL once it listens. */
export function spawnMisbehavingServer(args: string[], children: ChildProcess[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /listening on (\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.on('close', (code) => reject(new Error(`test server exited with ${code}`)));
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
