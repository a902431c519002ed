// CPU starvation: busy child processes that compete with the target for the cores. Each child
// spins until a deadline of its own (so it ends even if the harness is SIGKILLed) and is killed
// when the fault ends, or on the harness's way out.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { cleanupOnExit } from './cleanup.ts';

export interface Hog {
  /** Child pids, for the journal. */
  pids: number[];
  /** What was started, in words. */
  description: string;
  stop(): Promise<void>;
}

/** Kills every child, waits for each to be gone. */
export async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export async function startCpuHog(opts: { processes?: number; durationMs: number }): Promise<Hog> {
  const n = opts.processes ?? availableParallelism();
  // The child's own deadline: the fault's length and a margin, whatever happens to the harness.
  const deadlineMs = opts.durationMs + 10_000;
  const code = `const end = Date.now() + ${deadlineMs}; let x = 0; while (Date.now() < end) { x = (x * 31 + 7) % 1000003; }`;
  const children = Array.from({ length: n }, () => spawn(process.execPath, ['-e', code], { stdio: 'ignore' }));
  await Promise.all(children.map((c) => new Promise<void>((resolve, reject) => c.once('spawn', resolve).once('error', reject))));
  const release = cleanupOnExit(() => children.forEach((c) => c.kill('SIGKILL')));
  return {
    pids: children.map((c) => c.pid!),
    description: `${n} busy process(es) on ${availableParallelism()} core(s)`,
    async stop() {
      await stopChildren(children);
      release();
    },
  };
}
