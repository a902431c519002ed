// The embedgate command. Parses arguments, loads configuration, runs, and maps the verdict to an
// exit code: 0 pass, 1 fail, 2 bad configuration or usage, 3 inconclusive or harness error.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatConfigErrors, type ConfigError } from './config/errors.ts';
import { loadGate, loadSuite } from './config/load.ts';
import { recordGolden, writeGolden } from './golden.ts';
import { ensureBadModels, ensureFixtureModels } from './gguf/fixtures/ensure.ts';
import type { GatePlan, SuitePlan } from './plan.ts';
import { HARNESS_VERSION, REPO_ROOT } from './provenance.ts';
import { resolveOutputRoot, resolveReporters } from './report/registry.ts';
import { runPlan } from './run.ts';
import { runSwarmCommand } from './swarm-sweep.ts';
import { serveCommand } from './server/serve-command.ts';
import { TargetPool } from './targets/open.ts';
import { DEFAULT_TEXTS_FILE, loadTexts } from './texts.ts';

export const EXIT = { pass: 0, fail: 1, usage: 2, inconclusive: 3 } as const;

const USAGE = `embedgate ${HARNESS_VERSION} — gates for migrating a GGUF embedding model

Usage:
  embedgate gate <1-4> [options]        run suites/gate-<N>.yaml
  embedgate run <file.yaml>... [options] run suite or gate files
  embedgate check <file.yaml>...        validate suite or gate files, run nothing
  embedgate record-golden --model <name|path> [--texts file.json] [--out file.json]
  embedgate fixtures                    generate the fixture models (done on first use anyway)
  embedgate swarm [--seeds N] [--seed S] [--config file.yaml] [--scenario name]
                                        sweep seeds of the simulated swarm (--seeds), or replay one seed's trace
  embedgate serve --model <name|path> [--port N] [--host 127.0.0.1]
                                        serve the model over an OpenAI-compatible HTTP API
                                        ("embedgate serve --help" for its options)

Options:
  --model <name>=<path.gguf>  point a model name (baseline, candidate, …) at your own GGUF file
  --reporter <list>           comma-separated: console,json,junit,markdown,html (default: all)
  --out <dir>                 reports root (default: reports/, or EMBEDGATE_REPORTS_DIR)
  --seed <n>                  seed for everything random (default 1)
  -h, --help                  this text

Exit codes: 0 pass, 1 fail, 2 configuration or usage error, 3 inconclusive or harness error.
Models: EMBEDGATE_BASELINE and EMBEDGATE_CANDIDATE also point the two names at files.`;

class UsageError extends Error {}

function parseModelOverrides(values: string[] | undefined): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--model expects <name>=<path.gguf>, got "${value}"`);
    overrides[value.slice(0, eq)] = resolve(value.slice(eq + 1));
  }
  return overrides;
}

function newRunId(label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${label}-${randomBytes(3).toString('hex')}`;
}

type Loaded = { gate?: GatePlan; suites: SuitePlan[] };

function loadFiles(files: string[], overrides: Record<string, string>): Loaded | ConfigError[] {
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

async function runFiles(files: string[], label: string, values: ParsedValues, argv: string[]): Promise<number> {
  const overrides = parseModelOverrides(values.model);
  const loaded = loadFiles(files, overrides);
  if (Array.isArray(loaded)) {
    process.stderr.write(formatConfigErrors(loaded) + '\n');
    return EXIT.usage;
  }
  const runId = newRunId(label);
  const outDir = join(resolveOutputRoot(values.out), runId);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    process.stderr.write(`\n${signal}: stopping; writing an interrupted report to ${outDir}\n`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const targets = new TargetPool({ overrides, env: process.env, onLog: (m) => process.stderr.write(`${m}\n`) });
  try {
    const report = await runPlan({
      runId,
      outDir,
      ...(loaded.gate ? { gate: loaded.gate } : {}),
      suites: loaded.suites,
      reporters: resolveReporters(values.reporter),
      targets,
      signal: controller.signal,
      seed: Number(values.seed ?? 1),
      argv,
    });
    return report.exitCode;
  } finally {
    await targets.closeAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function recordGoldenCommand(values: ParsedValues): Promise<number> {
  if (!values.model?.[0]) throw new UsageError('record-golden needs --model <name|path>');
  const name = values.model[0];
  const targets = new TargetPool({ env: process.env, onLog: (m) => process.stderr.write(`${m}\n`) });
  try {
    const model = await targets.resolve(name);
    const target = await targets.get({ type: 'gguf', name });
    const texts = loadTexts(values.texts ? resolve(values.texts) : DEFAULT_TEXTS_FILE);
    const golden = await recordGolden(target, texts, HARNESS_VERSION);
    const out = resolve(values.out ?? join(REPO_ROOT, 'fixtures', 'golden', `${basename(model.name, '.gguf')}.json`));
    await writeGolden(out, golden);
    process.stdout.write(`recorded ${golden.items.length} golden vectors (${golden.model.dimensions} dims) for ${model.path}\n  sha256 ${golden.model.sha256}\n  → ${out}\n`);
    return EXIT.pass;
  } finally {
    await targets.closeAll();
  }
}

type ParsedValues = { model?: string[]; reporter?: string; out?: string; seed?: string; texts?: string; help?: boolean; seeds?: string; config?: string; scenario?: string };

export async function main(argv: string[]): Promise<number> {
  // serve has options of its own; it parses them itself.
  if (argv[0] === 'serve') return serveCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string', multiple: true },
        reporter: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        texts: { type: 'string' },
        seeds: { type: 'string' },
        config: { type: 'string' },
        scenario: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${HARNESS_VERSION}\n`);
    return EXIT.pass;
  }
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? EXIT.pass : EXIT.usage;
  }
  try {
    if (values.seed !== undefined && !/^\d+$/.test(values.seed)) throw new UsageError(`--seed expects a whole number, got "${values.seed}"`);
    switch (command) {
      case 'gate': {
        const n = rest[0];
        if (!n || !/^[1-4]$/.test(n)) throw new UsageError('gate expects a number from 1 to 4, e.g. "embedgate gate 1"');
        return await runFiles([join(REPO_ROOT, 'suites', `gate-${n}.yaml`)], `gate${n}`, values, argv);
      }
      case 'run': {
        if (rest.length === 0) throw new UsageError('run expects one or more suite or gate files');
        const files = rest.map((f) => resolve(f));
        const missing = files.filter((f) => !existsSync(f));
        if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
        return await runFiles(files, basename(files[0]!).replace(/\.ya?ml$/, ''), values, argv);
      }
      case 'check': {
        if (rest.length === 0) throw new UsageError('check expects one or more suite or gate files');
        const loaded = loadFiles(rest.map((f) => resolve(f)), parseModelOverrides(values.model));
        if (Array.isArray(loaded)) {
          process.stderr.write(formatConfigErrors(loaded) + '\n');
          return EXIT.usage;
        }
        process.stdout.write(`ok: ${loaded.suites.length} suite(s) valid\n`);
        return EXIT.pass;
      }
      case 'record-golden':
        return await recordGoldenCommand(values);
      case 'fixtures': {
        const log = (m: string) => process.stdout.write(`${m}\n`);
        const models = await ensureFixtureModels({ onLog: log });
        for (const [name, m] of Object.entries(models)) log(`${name.padEnd(16)} ${m.sha256.slice(0, 16)}  ${m.path}`);
        await ensureBadModels();
        return EXIT.pass;
      }
      case 'swarm': {
        if (values.seeds !== undefined && !/^[1-9]\d*$/.test(values.seeds)) throw new UsageError(`--seeds expects a positive whole number, got "${values.seeds}"`);
        return runSwarmCommand({
          ...(values.seeds !== undefined ? { seeds: Number(values.seeds) } : {}),
          ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
          ...(values.config !== undefined ? { config: values.config } : {}),
          ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
        });
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`embedgate: ${err.message}\n\nRun "embedgate --help" for usage.\n`);
      return EXIT.usage;
    }
    process.stderr.write(`embedgate: ${(err as Error).message}\n`);
    return EXIT.inconclusive;
  }
}
