// Every suite kind the harness knows, in the order the schemas and the help list them. A kind is
// one folder (harness/kinds/<kind>/: kind.ts, params.ts, metrics.ts, runner.ts) and one line here.
// Importing this file loads schemas and catalogs only; runners are imported when a suite runs.
import { accuracy } from './accuracy/kind.ts';
import { bench } from './bench/kind.ts';
import { canary } from './canary/kind.ts';
import { fault } from './fault/kind.ts';
import { inputs } from './inputs/kind.ts';
import { plannedKind, type SuiteKind } from './kind.ts';
import { load } from './load/kind.ts';
import { memory } from './memory/kind.ts';
import { retrieval } from './retrieval/kind.ts';
import { soak } from './soak/kind.ts';
import { swarm } from './swarm/kind.ts';
import { tests } from './tests/kind.ts';

export const KINDS = {
  bench,
  accuracy,
  retrieval,
  load,
  memory,
  inputs,
  fault,
  soak,
  swarm,
  tests,
  canary,
} as const;

export type KindName = keyof typeof KINDS;

/** The kinds by name, for code that looks one up from a string (a suite's `kind:`). */
export type KindRegistry = Readonly<Record<string, SuiteKind>>;
export const SUITE_KINDS: KindRegistry = KINDS;

export function kindNamed(name: string, kinds: KindRegistry = SUITE_KINDS): SuiteKind | undefined {
  return Object.hasOwn(kinds, name) ? kinds[name] : undefined;
}
