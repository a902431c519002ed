// Runs the embedder's test command as a child process in its own process group, so a timeout or
// an abort stops the whole tree (test runners start workers of their own). Output is kept as a
// bounded tail: a test run can print megabytes, and the report needs only its end.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface CommandResult {
  /** The exit code; for a process killed by a signal, 128 + its number, as a shell reports it. */
  exitCode?: number;
  signal?: string;
  /** Set when the command was stopped: it ran past its timeout, or the suite was aborted. */
  stopped?: 'timeout' | 'aborted';
  /** Set when the command could not start (no such program, not executable). */
  spawnError?: string;
  durationMs: number;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  tail: string;
  /** Bytes of output not kept in the tail. */
  droppedBytes: number;
}

export interface CommandOptions {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  tailBytes: number;
  signal: AbortSignal;
  /** Time a stopped command gets between SIGTERM and SIGKILL. */
  graceMs?: number;
}

class Tail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  dropped = 0;
  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.limit && this.chunks.length > 0) {
      const over = this.bytes - this.limit;
      const first = this.chunks[0]!;
      if (first.length <= over) {
        this.chunks.shift();
        this.bytes -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(over);
        this.bytes -= over;
        this.dropped += over;
      }
    }
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    // Cut at a line start so the tail does not open mid-line (or mid-character).
    const cut = this.dropped > 0 ? text.indexOf('\n') + 1 : 0;
    return text.slice(cut);
  }
}

export function runCommand(opts: CommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const tail = new Tail(opts.tailBytes);
  return new Promise((resolve) => {
    const [program, ...args] = opts.argv as [string, ...string[]];
    const child = spawn(program, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stopped: CommandResult['stopped'];
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // the group is gone already
      }
    };
    const stop = (why: 'timeout' | 'aborted') => {
      if (stopped) return;
      stopped = why;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), opts.graceMs ?? 5_000);
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('aborted');
    opts.signal.addEventListener('abort', onAbort, { once: true });
    if (opts.signal.aborted) onAbort();
    child.stdout.on('data', (d: Buffer) => tail.push(d));
    child.stderr.on('data', (d: Buffer) => tail.push(d));
    let spawnError: string | undefined;
    child.on('error', (err) => {
      spawnError = `${program}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `no such program (cwd ${opts.cwd}; is it installed and on PATH?)` : err.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      // Stragglers of the group (a worker the runner left behind) go with it.
      killGroup('SIGKILL');
      if (killTimer) clearTimeout(killTimer);
      const signalNumber = signal ? constants.signals[signal] : undefined;
      const exitCode = code ?? (signalNumber !== undefined ? 128 + signalNumber : undefined);
      resolve({
        ...(exitCode !== undefined && !spawnError ? { exitCode } : {}),
        ...(signal ? { signal } : {}),
        ...(stopped ? { stopped } : {}),
        ...(spawnError ? { spawnError } : {}),
        durationMs: performance.now() - started,
        tail: tail.text(),
        droppedBytes: tail.dropped,
      });
    });
  });
}
