// Test helper: runs the real CLI (`node bin/embedgate.mjs …`) into a fresh output directory and
// reads back what it wrote, so end-to-end suite tests do not each re-implement spawning, output
// capture and finding the run's directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import type { RunReport } from '../result.ts';

export const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived, for assertion messages. */
  output: string;
  /** The run's directory under the output directory, when it made one. */
  runDir: string | undefined;
  /** report.json of the run; undefined when none was written. */
  report: RunReport | undefined;
  /** events.jsonl of the run, '' when none was written. */
  events: string;
}

export interface CliOptions {
  /** Parent of the fresh output directory (`--out`); no `--out` is added when undefined. */
  outUnder?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with the child once spawned (e.g. to send it a signal later). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** Runs `embedgate ARGS [--out DIR]` and resolves once it exits. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const out = options.outUnder ? mkdtempSync(join(options.outUnder, 'out-')) : undefined;
  const child = spawn(process.execPath, [BIN, ...args, ...(out ? ['--out', out] : [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout!.on('data', (d) => ((stdout += d), (output += d)));
  child.stderr!.on('data', (d) => ((stderr += d), (output += d)));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      const name = out && existsSync(out) ? readdirSync(out)[0] : undefined;
      const runDir = out && name ? join(out, name) : undefined;
      const read = (file: string) => (runDir && existsSync(join(runDir, file)) ? readFileSync(join(runDir, file), 'utf8') : undefined);
      const json = read('report.json');
      resolve({ code, signal, stdout, stderr, output, runDir, report: json ? (JSON.parse(json) as RunReport) : undefined, events: read('events.jsonl') ?? '' });
    }),
  );
}
