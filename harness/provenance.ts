// Where a result came from: harness version and commit, the machine, the models, the suite files.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { availableCores, machineMemoryBytes } from './machine.ts';
import { REPO_ROOT } from './paths.ts';
import type { ModelInfo, Provenance } from './result.ts';

export const HARNESS_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function collectProvenance(input: {
  seed: number;
  suiteFiles: { file: string; sha256: string }[];
  models: ModelInfo[];
  argv: string[];
}): Provenance {
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit ? git(['status', '--porcelain']) : undefined;
  return {
    harnessVersion: HARNESS_VERSION,
    ...(commit ? { gitCommit: commit, gitDirty: Boolean(status) } : {}),
    machine: {
      hostname: os.hostname(),
      platform: os.platform(),
      arch: os.arch(),
      cpus: os.cpus().length,
      availableCores: availableCores(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: machineMemoryBytes(),
      nodeVersion: process.version,
    },
    ...input,
  };
}
