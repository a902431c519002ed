// A reference server the harness starts from a suite's command (e.g. llama.cpp's llama-server on
// the target's GGUF file): {model} and {port} filled in, run on 127.0.0.1, ready once a path
// answers 200, bounded by a ready timeout, and always stopped: at the suite's end, when it fails
// to start, and, should the harness exit without closing it, by an exit hook that kills it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { oomLines } from '../../probes/oom.ts';
import type { DedicatedServer } from '../target.ts';

export interface CommandOptions {
  command: readonly string[];
  /** Fills {model}; required when the command names it. */
  modelPath?: string;
  /** Fixed port; default a free loopback port, given to the command as {port}. */
  port?: number;
  ready: string;
  readyTimeoutMs: number;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
}

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The command's argv with {model} and {port} filled in. */
export function fillCommand(command: readonly string[], values: { model?: string; port: number }): string[] {
  return command.map((arg) => {
    if (arg.includes('{model}') && values.model === undefined) throw new Error(`reference command: ${arg} names {model}, but the target has no GGUF file to give it`);
    return arg.replaceAll('{model}', values.model ?? '').replaceAll('{port}', String(values.port));
  });
}

/** Children still running, killed on the way out if nobody stopped them. */
const running = new Set<ChildProcess>();
let hooked = false;
function guard(child: ChildProcess): void {
  running.add(child);
  child.once('close', () => running.delete(child));
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

export class ReferenceProcess implements DedicatedServer {
  private output = '';
  private stopping = false;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly argv: readonly string[],
    readonly coldStartMs: number,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('close', () => resolve());
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  crashes(): string[] {
    if (this.alive || this.stopping) return [];
    const how = this.child.signalCode ? `signal ${this.child.signalCode}` : `code ${this.child.exitCode}`;
    return [`reference server ${this.argv[0]} exited (${how}) before the suite ended`];
  }

  oomEvidence(): string[] {
    const lines = oomLines(this.output);
    if (this.child.signalCode === 'SIGKILL' && !this.stopping) lines.unshift(`reference server ${this.argv[0]} was killed by SIGKILL`);
    return lines;
  }

  /** Starts the command and resolves once `ready` answers 200; on any failure the process is gone. */
  static async start(opts: CommandOptions): Promise<ReferenceProcess> {
    const port = opts.port ?? (await freePort());
    const argv = fillCommand(opts.command, { ...(opts.modelPath !== undefined ? { model: opts.modelPath } : {}), port });
    const url = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    guard(child);
    let text = '';
    let spawnError: Error | undefined;
    child.once('error', (e) => (spawnError = e));
    const onData = (c: Buffer) => {
      text = (text + c.toString()).slice(-64 * 1024);
      for (const line of c.toString().split('\n')) if (line.trim()) opts.onLog?.(line);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const proc = new ReferenceProcess(child, url, argv, 0);
    const fail = async (why: string) => {
      await proc.stop(1000);
      return new Error(`reference server ${argv.join(' ')}: ${why}${text ? `\n${text.slice(-2000)}` : ''}`);
    };
    const deadline = started + opts.readyTimeoutMs;
    while (performance.now() < deadline) {
      if (spawnError) throw await fail(`could not start (${spawnError.message})`);
      if (!proc.alive) throw await fail(`exited before it was ready (${child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`})`);
      if (opts.signal?.aborted) throw await fail('interrupted before it was ready');
      try {
        const res = await fetch(`${url}${opts.ready}`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          const ready = new ReferenceProcess(child, url, argv, performance.now() - started);
          child.stdout!.off('data', onData);
          child.stderr!.off('data', onData);
          const keep = (c: Buffer) => {
            ready.output = (ready.output + c.toString()).slice(-64 * 1024);
            for (const line of c.toString().split('\n')) if (line.trim()) opts.onLog?.(line);
          };
          ready.output = text;
          child.stdout!.on('data', keep);
          child.stderr!.on('data', keep);
          return ready;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw await fail(`${opts.ready} did not answer 200 within ${(opts.readyTimeoutMs / 1000).toFixed(0)} s`);
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    // No pid: it never started (spawn failed), so there is nothing to stop.
    if (!this.alive || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
