// The profilers `embedgate profile` can run `embedgate serve` under: three of clinic's tools and
// V8's own CPU profiler (node --cpu-prof), which needs nothing installed.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const PROFILE_TOOLS = ['doctor', 'flame', 'heapprofiler', 'cpu-prof'] as const;
export type ProfileTool = (typeof PROFILE_TOOLS)[number];
export type ClinicTool = Exclude<ProfileTool, 'cpu-prof'>;

export const isClinicTool = (tool: ProfileTool): tool is ClinicTool => tool !== 'cpu-prof';

/** Thrown when a profiler cannot be used; the message says what to do. */
export class ProfileSetupError extends Error {}

/** clinic's command-line entry (bin.js), from this project's node_modules; throws with how to install it. */
export function clinicEntry(): { bin: string; version: string } {
  let pkgPath: string;
  try {
    pkgPath = createRequire(import.meta.url).resolve('clinic/package.json');
  } catch {
    throw new ProfileSetupError('clinic is not installed: run "npm install --save-dev clinic@13" in the embedgate folder, or use --tool cpu-prof (node --cpu-prof, nothing to install)');
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string; bin?: string | Record<string, string> };
  const rel = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.clinic ?? 'bin.js');
  const bin = join(dirname(pkgPath), rel);
  if (!existsSync(bin)) throw new ProfileSetupError(`clinic ${pkg.version} is installed but ${bin} is missing: reinstall it ("npm install --save-dev clinic@13")`);
  return { bin, version: pkg.version };
}

export function parseTool(text: string | undefined): ProfileTool {
  if (text === undefined) throw new ProfileSetupError(`profile needs --tool: one of ${PROFILE_TOOLS.join(', ')}`);
  if (!(PROFILE_TOOLS as readonly string[]).includes(text)) throw new ProfileSetupError(`--tool "${text}" is not a profiler embedgate knows; give one of ${PROFILE_TOOLS.join(', ')}`);
  return text as ProfileTool;
}
