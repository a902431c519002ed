// The profiling of one run, in this process: `embedgate profile` starts it and tells it the run's
// directory; every `embedgate serve` a gguf target starts meanwhile (serve-process.ts asks
// activeServeWrapper) runs under the profiler and adds its entry to profile/profile.json.
import { writeProfileIndex, type ProfileEntry } from './profile-index.ts';
import { createServeWrapper, type ServeWrapper } from './serve-wrapper.ts';
import type { ProfileTool } from './tools.ts';

/** clinic's analysis after the server exits: doctor took 37 s after a 1-minute run on the loaded 2-core machine. */
export const DEFAULT_ANALYSIS_LIMIT_MS = 180_000;

interface Session {
  tool: ProfileTool;
  clinicBin?: string;
  analysisLimitMs: number;
  runDir?: string;
  started: number;
  entries: ProfileEntry[];
}

let active: Session | undefined;

export function startProfiling(opts: { tool: ProfileTool; clinicBin?: string; analysisLimitMs?: number }): void {
  active = { tool: opts.tool, ...(opts.clinicBin ? { clinicBin: opts.clinicBin } : {}), analysisLimitMs: opts.analysisLimitMs ?? DEFAULT_ANALYSIS_LIMIT_MS, started: 0, entries: [] };
}

export function setProfileRunDir(runDir: string): void {
  if (active) active.runDir = runDir;
}

/** Ends the session; returns what each server's profile came to. */
export function endProfiling(): { servers: number; entries: ProfileEntry[] } {
  const s = active;
  active = undefined;
  return { servers: s?.started ?? 0, entries: s?.entries ?? [] };
}

/** The wrapper for the next `embedgate serve`, or undefined when no profiling is running. */
export function activeServeWrapper(model: string): ServeWrapper | undefined {
  const s = active;
  if (!s?.runDir) return undefined;
  const runDir = s.runDir;
  return createServeWrapper({
    tool: s.tool,
    ...(s.clinicBin ? { clinicBin: s.clinicBin } : {}),
    runDir,
    n: ++s.started,
    model,
    analysisLimitMs: s.analysisLimitMs,
    record: (entry) => {
      s.entries.push(entry);
      s.entries.sort((a, b) => a.n - b.n);
      writeProfileIndex(runDir, { v: 1, tool: s.tool, entries: s.entries });
    },
  });
}
