// Suite and gate files into one list of suite plans, or every configuration error found in them.
// Shared by `check` (which stops here) and `run`/`gate`; it loads no runner and no target.
import { loadGate, loadSuite, type ConfigError } from '../config/load.ts';
import type { GatePlan, SuitePlan } from '../plan.ts';

export type Loaded = { gate?: GatePlan; suites: SuitePlan[] };

export function loadFiles(files: string[], overrides: Record<string, string>): Loaded | ConfigError[] {
  const errors: ConfigError[] = [];
  const loaded: Loaded = { suites: [] };
  const ctx = { overrides, env: process.env };
  for (const file of files) {
    const isGate = /(^|\/)gate-[^/]*\.ya?ml$/.test(file);
    const result = isGate ? loadGate(file, ctx) : loadSuite(file, ctx);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    if ('suites' in result.plan) {
      if (files.length === 1) loaded.gate = result.plan;
      loaded.suites.push(...result.plan.suites);
    } else {
      loaded.suites.push(result.plan);
    }
  }
  return errors.length > 0 ? errors : loaded;
}
