// What a profiled run wrote, kept in its run directory as profile/profile.json: one entry per
// `embedgate serve` the run started, with the profiler's files relative to the run directory (so
// the folder can be moved) and why a profile is missing when it is. report.html links from it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../write-atomic.ts';
import type { ProfileTool } from './tools.ts';

export const PROFILE_DIR = 'profile';
export const PROFILE_INDEX_FILE = 'profile.json';

export interface ProfileEntry {
  /** 1 for the first server the run started, 2 for the next, … */
  n: number;
  /** The model the server served, as `embedgate serve --model` got it. */
  model: string;
  /** This server's folder, relative to the run directory. */
  dir: string;
  /** The pid of `embedgate serve` itself (under clinic, the profiled child of clinic's process). */
  serverPid?: number;
  /** Every file the profiler left, relative to the run directory. */
  files: string[];
  /** clinic's HTML page, relative to the run directory. */
  html?: string;
  /** .cpuprofile files (cpu-prof), relative to the run directory, with the process each is of. */
  cpuProfiles?: { file: string; process: 'server' | 'worker' | 'other' }[];
  /** From SIGINT to the profiler's exit: the server draining, then clinic's analysis. */
  stopMs?: number;
  /** Why there is no profile, or part of one is missing. */
  error?: string;
  notes?: string[];
}

export interface ProfileIndex {
  v: 1;
  tool: ProfileTool;
  entries: ProfileEntry[];
}

export function readProfileIndex(runDir: string): ProfileIndex | undefined {
  const path = join(runDir, PROFILE_DIR, PROFILE_INDEX_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProfileIndex;
  } catch {
    return undefined;
  }
}

export function writeProfileIndex(runDir: string, index: ProfileIndex): void {
  writeFileAtomicSync(join(runDir, PROFILE_DIR, PROFILE_INDEX_FILE), JSON.stringify(index, null, 2) + '\n');
}
