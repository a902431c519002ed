// Starts `embedgate serve` as a child process on 127.0.0.1, the gguf target's URL to drive, with
// the heap probe preloaded (server and llama.cpp worker both), measures its cold start (spawn to
// /health 200) and records how it ended: a SIGKILL the harness did not send counts as OOM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heapProbeEnv } from '../../probes/heap-probe-env.ts';
import { oomLines } from '../../probes/oom.ts';
import { activeServeWrapper } from '../../profile/session.ts';
import type { ServeWrapper } from '../../profile/serve-wrapper.ts';
import type { DedicatedServer } from '../target.ts';

const BIN = fileURLToPath(new URL('../../../bin/embedgate.mjs', import.meta.url));

export interface ServeOptions {
  /** Model name or .gguf path, as `embedgate serve --model` takes it. */
  model: string;
  contexts?: number;
  threads?: number;
  /** Texts queued or running before 503. */
  queue?: number;
  cacheMb?: number;
  /** Inputs longer than the context: error (400) or truncate. */
  overflow?: 'error' | 'truncate';
  /** Spawn → ready limit; default 120 s (cold start is checked separately against its own limit). */
  readyTimeoutMs?: number;
  /** Have the heap probe run a full GC this often and record memory after it (memory suites). */
  gcEveryMs?: number;
  onLog?: (line: string) => void;
  /** The child's environment before the heap probe is added; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** More `embedgate serve` options, after the ones above (fault suites: --fault-injection, --max-crashes). */
  extraArgs?: readonly string[];
}

export class ServeProcess implements DedicatedServer {
  private stderrText = '';
  private stopping = false;
  /** Set when `embedgate profile` runs this server under a profiler (harness/profile/). */
  private wrapper: ServeWrapper | undefined;
  private serverPid: number | undefined;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly heapProbeDir: string,
    readonly url: string,
    /** Spawn to the first /health 200, in ms. */
    readonly coldStartMs: number,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('close', () => resolve());
    });
  }

  /** The server's pid: under a profiler, the profiled process, not the profiler's. */
  get pid(): number {
    return this.serverPid ?? this.child.pid!;
  }

  get alive(): boolean {
    if (this.serverPid !== undefined && !pidExists(this.serverPid)) return false;
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The server's exit, and its worker's deaths and circuit openings it logged. */
  crashes(): string[] {
    const lines = this.stderrText.split('\n').filter((l) => /worker: down|circuit open/.test(l));
    if (!this.alive) lines.unshift(`embedgate serve exited (${this.exit?.signal ?? `code ${this.exit?.code}`})`);
    return lines;
  }

  /** Evidence of running out of memory: a SIGKILL we did not send, or OOM lines in its output (a worker killed and restarted). */
  oomEvidence(): string[] {
    const lines = oomLines(this.stderrText);
    if (this.exit?.signal === 'SIGKILL' && !this.stopping) lines.unshift('embedgate serve was killed by SIGKILL');
    return lines;
  }

  static async start(opts: ServeOptions): Promise<ServeProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-heap-'));
    const args = [BIN, 'serve', '--model', opts.model, '--port', '0', '--host', '127.0.0.1'];
    if (opts.contexts !== undefined) args.push('--contexts', String(opts.contexts));
    if (opts.threads !== undefined) args.push('--threads', String(opts.threads));
    if (opts.queue !== undefined) args.push('--queue', String(opts.queue));
    if (opts.cacheMb !== undefined) args.push('--cache-mb', String(opts.cacheMb));
    if (opts.overflow !== undefined) args.push('--overflow', opts.overflow);
    if (opts.extraArgs) args.push(...opts.extraArgs);
    const started = performance.now();
    const env = heapProbeEnv(dir, opts.env ?? process.env, opts.gcEveryMs);
    const wrapper = activeServeWrapper(opts.model);
    const launch = wrapper?.launch(args, env) ?? { command: process.execPath, args, env };
    const child = spawn(launch.command, launch.args, { stdio: ['ignore', 'ignore', 'pipe'], env: launch.env, ...('cwd' in launch ? { cwd: launch.cwd } : {}) });
    let text = '';
    let exit: ServeProcess['exit'];
    let proc: ServeProcess | undefined;
    child.stderr!.on('data', (c: Buffer) => {
      text = (text + c.toString()).slice(-256 * 1024);
      if (proc) proc.stderrText = text;
      for (const line of c.toString().split('\n')) if (line.trim()) opts.onLog?.(line);
    });
    child.on('close', (code, signal) => {
      exit = { code, signal };
      if (proc) proc.exit = exit;
    });
    const fail = (why: string) => {
      // Under a profiler the server is the profiler's child: it must not outlive it.
      const wrapped = child.pid !== undefined ? wrapper?.serverPid(child.pid) : undefined;
      if (wrapped !== undefined && wrapped !== child.pid) process.kill(wrapped, 'SIGKILL');
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      return new Error(`embedgate serve --model ${opts.model}: ${why}\n${text.slice(-2000)}`);
    };
    const deadline = started + (opts.readyTimeoutMs ?? 120_000);
    let url: string | undefined;
    while (performance.now() < deadline) {
      if (exit) throw fail(`exited before it was ready (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})`);
      url ??= /listening on (http:\/\/[\d.:]+)/.exec(text)?.[1];
      if (url) {
        try {
          const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
          await res.arrayBuffer();
          const serverPid = wrapper?.serverPid(child.pid!);
          if (res.status === 200 && (!wrapper || serverPid !== undefined)) {
            proc = new ServeProcess(child, dir, url, performance.now() - started);
            proc.wrapper = wrapper;
            proc.serverPid = serverPid;
            proc.stderrText = text;
            proc.exit = exit;
            return proc;
          }
        } catch {
          // not answering yet
        }
      }
      await new Promise((r) => setTimeout(r, url ? 100 : 25));
    }
    throw fail(`not ready within ${((opts.readyTimeoutMs ?? 120_000) / 1000).toFixed(0)} s`);
  }

  /** SIGTERM (the server drains), SIGKILL after a grace period; removes the probe directory. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    if (this.wrapper && this.serverPid !== undefined) {
      // The profiler writes when the server exits on SIGINT, then analyses: it gets its own limit.
      await this.wrapper.stop({ child: this.child, exited: this.exited, serverPid: this.serverPid, stderr: () => this.stderrText, graceMs });
    } else if (this.alive) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.heapProbeDir, { recursive: true, force: true });
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
