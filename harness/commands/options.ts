// The options every embedgate command shares, as parseArgs returns them, and the one error a
// command throws for bad usage (cli.ts prints it with a pointer to --help and exits 2).
import { resolve } from 'node:path';

export type ParsedValues = {
  model?: string[];
  reporter?: string;
  out?: string;
  seed?: string;
  texts?: string;
  help?: boolean;
  seeds?: string;
  config?: string;
  scenario?: string;
  only?: string;
  /** run and gate: how long soak suites run, for this run only. */
  duration?: string;
  /** Run a gate although earlier gates have not passed for these models; recorded in its reports and the ledger. */
  'out-of-order'?: boolean;
  /** compare: the relative change inside which a difference counts as noise, e.g. "10%". */
  noise?: string;
  /** status: entries shown per gate. */
  last?: string;
  /** run and gate: run shard i of n (harness/shard/); --start-at or --barrier starts the shards together. */
  shard?: string;
  /** run and gate with --shard: model name=URL, a server every shard drives instead of starting its own. */
  'target-url'?: string[];
  'start-at'?: string;
  barrier?: string;
  /** merge: start skew beyond which a shard gets a warning (default 1s). */
  'max-skew'?: string;
  /** k8s-job: how many shards, which image, where to write the documents. */
  shards?: string;
  image?: string;
  /** profile: the profiler (doctor, flame, heapprofiler, cpu-prof) and how long clinic may analyse. */
  tool?: string;
  'analysis-limit'?: string;
};

export class UsageError extends Error {}

/** `--model name=path.gguf`, repeatable: model names pointed at files for this run. */
export function parseModelOverrides(values: string[] | undefined): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--model expects <name>=<path.gguf>, got "${value}"`);
    overrides[value.slice(0, eq)] = resolve(value.slice(eq + 1));
  }
  return overrides;
}
