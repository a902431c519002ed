// How one `embedgate serve` runs under a profiler: the command that wraps it, the pid of the
// server itself (under clinic it is clinic's child), and the stop that lets the profiler write.
// clinic writes its data when the profiled process exits after SIGINT, then builds its HTML
// (doctor's analysis takes tens of seconds), so stopping waits for that, within a limit.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenOf } from '../faults/process/signals.ts';
import type { ProfileEntry } from './profile-index.ts';
import { isClinicTool, type ProfileTool } from './tools.ts';

const CPU_PROBE = fileURLToPath(new URL('./cpu-profile-probe.mjs', import.meta.url));

export interface ServeLaunch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface WrappedServe {
  child: ChildProcess;
  exited: Promise<void>;
  serverPid: number;
  /** The wrapper's stderr so far (clinic's own lines and the server's). */
  stderr: () => string;
  graceMs: number;
}

export interface ServeWrapper {
  /** `nodeArgs` are what `node` would get to run the server: [embedgate.mjs, 'serve', …]. */
  launch(nodeArgs: readonly string[], env: NodeJS.ProcessEnv): ServeLaunch;
  /** The pid of `embedgate serve` itself, or undefined while it cannot be found yet. */
  serverPid(wrapperPid: number): number | undefined;
  /** SIGINT to the server, wait for the profiler to write (bounded), record what it wrote. */
  stop(run: WrappedServe): Promise<void>;
}

export interface WrapperSettings {
  tool: ProfileTool;
  clinicBin?: string;
  runDir: string;
  n: number;
  model: string;
  analysisLimitMs: number;
  record: (entry: ProfileEntry) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\S+ \S+ Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, 'x'));
  } catch {
    return false;
  }
}

async function waitUntil(done: () => boolean, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(100);
  }
  return true;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out.sort();
}

const tail = (text: string) => text.split('\n').filter((l) => l.trim()).slice(-15).join('\n');

export function createServeWrapper(s: WrapperSettings): ServeWrapper {
  const dir = join(s.runDir, 'profile', `${s.n}-${basename(s.model).replace(/\.gguf$/, '')}`);
  const clinic = isClinicTool(s.tool);
  return {
    launch(nodeArgs, env) {
      mkdirSync(dir, { recursive: true });
      if (clinic) {
        // cwd: 0x (clinic flame) writes its temporary V8 logs into the working directory.
        return { command: process.execPath, args: [s.clinicBin!, s.tool, '--dest', dir, '--', process.execPath, ...nodeArgs], env: { ...env, NO_INSIGHT: '1' }, cwd: dir };
      }
      // The server gets node's own --cpu-prof; its worker is forked with an execArgv of its own and
      // Node refuses --cpu-prof in NODE_OPTIONS, so the worker gets the inspector probe instead.
      const existing = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ` : '';
      return {
        command: process.execPath,
        args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...nodeArgs],
        env: { ...env, NODE_OPTIONS: `${existing}--import ${CPU_PROBE}`, EMBEDGATE_CPU_PROFILE_DIR: dir },
        cwd: dir,
      };
    },
    serverPid(wrapperPid) {
      if (!clinic) return wrapperPid;
      return childrenOf(wrapperPid).find((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('serve');
        } catch {
          return false;
        }
      });
    },
    async stop(run) {
      const started = performance.now();
      const errors: string[] = [];
      const notes: string[] = [];
      const exited = () => run.child.exitCode !== null || run.child.signalCode !== null;
      try {
        process.kill(run.serverPid, 'SIGINT');
      } catch {
        errors.push(`the server (pid ${run.serverPid}) had already exited: a profiler writes only when the process it profiles exits after SIGINT`);
      }
      if (!(await waitUntil(() => !pidAlive(run.serverPid), run.graceMs))) {
        process.kill(run.serverPid, 'SIGKILL');
        errors.push(`the server did not exit within ${run.graceMs / 1000} s of SIGINT and was killed, so the profiler has nothing to write`);
      }
      let ended = false;
      void run.exited.then(() => (ended = true));
      if (!(await waitUntil(() => ended || exited(), clinic ? s.analysisLimitMs : run.graceMs))) {
        run.child.kill('SIGKILL');
        await run.exited;
        errors.push(`clinic ${s.tool} did not finish its analysis within ${Math.round(s.analysisLimitMs / 1000)} s and was stopped (give more with --analysis-limit)`);
      }
      const files = filesUnder(dir).map((f) => relative(s.runDir, f));
      const entry: ProfileEntry = { n: s.n, model: s.model, dir: relative(s.runDir, dir), serverPid: run.serverPid, files, stopMs: Math.round(performance.now() - started) };
      if (clinic) {
        const html = files.find((f) => f.endsWith(`.clinic-${s.tool}.html`) && basename(f).startsWith(`${run.serverPid}.`)) ?? files.find((f) => f.endsWith('.html'));
        if (html) entry.html = html;
        else if (errors.length === 0) errors.push(`clinic ${s.tool} exited (${run.child.signalCode ?? `code ${run.child.exitCode}`}) without writing its HTML page; its output ended with:\n${tail(run.stderr())}`);
      } else {
        entry.cpuProfiles = files
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((file) => ({ file, process: basename(file).startsWith('CPU.') ? 'server' : basename(file).startsWith('worker.') ? 'worker' : 'other' }));
        if (!entry.cpuProfiles.some((p) => p.process === 'server') && errors.length === 0) errors.push(`node --cpu-prof wrote no profile of the server: it did not exit normally; its output ended with:\n${tail(run.stderr())}`);
        if (!entry.cpuProfiles.some((p) => p.process === 'worker')) notes.push('no profile of the worker: it did not exit normally (killed before it could write)');
      }
      if (errors.length) entry.error = errors.join('; ');
      if (notes.length) entry.notes = notes;
      s.record(entry);
    },
  };
}
