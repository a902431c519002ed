// `embedgate swarm`: seed sweeps of the simulated swarm outside any gate. With --seeds N it runs N
// seeds per scenario and prints each failing seed with a one-line replay command; with --seed
// alone it replays that seed and prints its whole trace, byte for byte the same every time.
import { dirname, resolve } from 'node:path';
import { formatConfigErrors, type ConfigError } from './config/errors.ts';
import { readYaml } from './config/yaml-source.ts';
import { EXIT } from './exit-codes.ts';
import { median } from './metrics/statistics.ts';
import { replayCommand } from './kinds/swarm/runner.ts';
import { resolveSwarmPlan, SwarmConfigError, type Scenario } from './targets/swarm/params.ts';
import { runSwarm } from './targets/swarm/simulation.ts';
import { measureRun } from './targets/swarm/summary.ts';

export interface SwarmCommandOptions {
  seeds?: number;
  seed?: number;
  /** A suite file with a `swarm:` block, or a file that is only the block. */
  config?: string;
  scenario?: string;
  write?: (text: string) => void;
}

/** A --config file that is not valid YAML (or not there), with file:line:col for each mistake. */
class SwarmFileError extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(formatConfigErrors(errors));
  }
}

/** The swarm block of a file; default: the built-in topology and DAG with random faults per seed. */
function loadBlock(file: string | undefined): { params: Record<string, unknown>; baseDir: string } {
  if (!file) return { params: { randomFaults: true }, baseDir: process.cwd() };
  const path = resolve(file);
  // Read as suites are, so that YAML mistakes get the same errors and positions.
  const read = readYaml(path);
  if (!read.ok || read.errors.length > 0) throw new SwarmFileError(read.errors);
  const data = (read.source.data ?? null) as Record<string, unknown> | null;
  const block = data && typeof data['swarm'] === 'object' ? (data['swarm'] as Record<string, unknown>) : (data ?? {});
  return { params: block, baseDir: dirname(path) };
}

/** Returns the exit code: 0 all seeds hold every invariant, 1 some do not, 2 bad configuration. */
export function runSwarmCommand(options: SwarmCommandOptions): number {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  let scenarios: Scenario[];
  try {
    const { params, baseDir } = loadBlock(options.config);
    if ((params as { reembed?: unknown }).reembed) {
      write('embedgate swarm: this configuration does real work (reembed); run it as a suite: embedgate run <file>\n');
      return EXIT.usage;
    }
    scenarios = resolveSwarmPlan(params, baseDir).scenarios;
  } catch (err) {
    if (err instanceof SwarmFileError) {
      write(`${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof SwarmConfigError) {
      write(`embedgate swarm: ${options.config ?? 'default configuration'}: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
  if (options.scenario) {
    scenarios = scenarios.filter((s) => s.name === options.scenario);
    if (scenarios.length === 0) {
      write(`embedgate swarm: no scenario "${options.scenario}" in ${options.config ?? 'the default configuration'}\n`);
      return EXIT.usage;
    }
  }
  if (options.seeds === undefined) return replay(scenarios, options.seed ?? 1, options, write);

  const from = options.seed ?? 1;
  const started = performance.now();
  let runs = 0;
  let failing = 0;
  const outcomes: Record<string, number> = {};
  const speedups: number[] = [];
  for (const scenario of scenarios) {
    for (let seed = from; seed < from + options.seeds; seed++) {
      const run = runSwarm(scenario.config, { seed, trace: 'digest' });
      runs++;
      outcomes[run.outcome] = (outcomes[run.outcome] ?? 0) + 1;
      const speedup = measureRun(run).speedup;
      if (run.outcome === 'completed' && speedup !== undefined) speedups.push(speedup);
      if (run.violations.length === 0) continue;
      failing++;
      const first = run.violations[0]!;
      write(`seed ${seed}${scenario.name !== 'default' ? ` (${scenario.name})` : ''}: ${first.invariant}: ${first.detail}${run.violations.length > 1 ? ` (+${run.violations.length - 1} more)` : ''}\n`);
      write(`  replay: ${replayCommand(options.config && resolve(options.config), scenario.name, seed)}   trace ${run.trace.digest()}\n`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const medianSpeedup = speedups.length ? median(speedups).toFixed(2) : '–';
  write(
    `${runs} runs (${scenarios.length} scenario(s) × ${options.seeds} seeds from ${from}): ${failing} failing; ` +
      `${Object.entries(outcomes).map(([k, v]) => `${v} ${k}`).join(', ')}; median speed-up ${medianSpeedup}x; ${seconds.toFixed(1)} s (${((seconds * 1000) / runs).toFixed(1)} ms per run)\n`,
  );
  return failing > 0 ? EXIT.fail : EXIT.pass;
}

function replay(scenarios: Scenario[], seed: number, options: SwarmCommandOptions, write: (text: string) => void): number {
  let bad = 0;
  for (const scenario of scenarios) {
    const run = runSwarm(scenario.config, { seed, trace: 'keep' });
    write(run.trace.text());
    write(`# scenario ${scenario.name}, seed ${seed}: ${run.outcome} at ${run.trace.lines.at(-1)?.split(' ')[0] ?? '0'}; ${run.trace.length} trace lines, digest ${run.trace.digest()}\n`);
    for (const v of run.violations) write(`# VIOLATION ${v.invariant}: ${v.detail}\n`);
    if (run.violations.length > 0) {
      bad++;
      write(`# replay: ${replayCommand(options.config && resolve(options.config), scenario.name, seed)}\n`);
    }
  }
  return bad > 0 ? EXIT.fail : EXIT.pass;
}
