// The embedgate command: parses arguments and hands each command to its own module, imported only
// when that command runs, so that --help and check start without loading runners, targets or
// llama.cpp. Exit codes (harness/exit-codes.ts): 0 pass, 1 fail, 2 bad configuration or usage,
// 3 inconclusive or harness error.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type ParsedValues } from './commands/options.ts';
import { EXIT } from './exit-codes.ts';
import { REPO_ROOT } from './paths.ts';
import { HARNESS_VERSION } from './provenance.ts';

const USAGE = `embedgate ${HARNESS_VERSION} — gates for migrating a GGUF embedding model

Usage:
  embedgate gate <1-4> [options]        run suites/gate-<N>.yaml
  embedgate run <file.yaml>... [options] run suite or gate files
  embedgate check <file.yaml>...        validate suite or gate files, run nothing
  embedgate compare <run A> <run B> [--noise 10%] [--out <dir>]
                                        what changed from run A to run B, per suite and metric: better,
                                        worse or no change, told from noise (a run is a report dir;
                                        a,b,c gives several runs per side)
  embedgate profile <suite.yaml>... --tool doctor|flame|heapprofiler|cpu-prof [--analysis-limit 3m]
                                        run load suites with the embedgate serve of their gguf targets
                                        under clinic or node --cpu-prof; report.html links the profiles
  embedgate status [--out <reports dir>] which gates passed for which models, from the gate ledger;
                                        exits 1 if the ledger was edited
  embedgate report <run dir> [--reporter <list>]
                                        write the run's report files again from its events.jsonl,
                                        also for a run that was killed (default: json,junit,markdown,html)
  embedgate record-golden --model <name|path> [--texts file.json] [--out file.json]
  embedgate fixtures                    generate the fixture models (done on first use anyway)
  embedgate swarm [--seeds N] [--seed S] [--config file.yaml] [--scenario name]
                                        sweep seeds of the simulated swarm (--seeds), or replay one seed's trace
  embedgate selfcheck [--only a,b]      plant regressions in servers of its own, run short suites
                                        against them and a clean one: which check caught what
  embedgate canary export <suite.yaml> [--out <dir>]
                                        a canary suite as an Argo Rollouts Rollout + AnalysisTemplate
                                        and a Flagger Canary + MetricTemplates (Prometheus queries)
  embedgate merge <shard dir>... [--max-skew 1s] [--out <dir>]
                                        merge the run directories of a sharded run (--shard i/n) into one
                                        report: histograms and counts merged, checks judged on the union
  embedgate k8s-job <suite.yaml> --shards N [--image IMG] [--start-at T] [--out file.yaml]
                                        a Kubernetes Indexed Job running the suite as N shards, and the merge
  embedgate serve --model <name|path> [--port N] [--host 127.0.0.1]
                                        serve the model over an OpenAI-compatible HTTP API
                                        ("embedgate serve --help" for its options)

Options:
  --model <name>=<path.gguf>  point a model name (baseline, candidate, …) at your own GGUF file
  --reporter <list>           comma-separated: console,json,junit,markdown,html (default: all)
  --out <dir>                 reports root (default: reports/, or EMBEDGATE_REPORTS_DIR)
  --seed <n>                  seed for everything random (default 1)
  --duration <d>              run, gate: how long soak suites run (e.g. 1m, 2h, 24h); names the suites it changed
  --shard <i/n>               run, gate: run shard i (from 0) of n: 1/n of each load phase's connections
                              and rate, 1/n of a retrieval suite's corpus; with --start-at <ISO time>
                              or --barrier <file|loopback URL>
  --target-url <name>=<URL>   with --shard: load suites drive the server at URL where they name
                              model <name> as a gguf target (all shards must drive one server)
  --out-of-order              run a gate although earlier gates have not passed for these models
                              (recorded; without it the verdict is marked "out of order")
  -h, --help                  this text

Exit codes: 0 pass, 1 fail, 2 configuration or usage error, 3 inconclusive or harness error.
Models: EMBEDGATE_BASELINE and EMBEDGATE_CANDIDATE also point the two names at files.`;

/** Runs one command; each case imports what it needs, and nothing else is loaded. */
async function dispatch(command: string, rest: string[], values: ParsedValues, argv: string[]): Promise<number> {
  switch (command) {
    case 'gate': {
      const n = rest[0];
      if (!n || !/^[1-4]$/.test(n)) throw new UsageError('gate expects a number from 1 to 4, e.g. "embedgate gate 1"');
      const { runFiles } = await import('./commands/run-files.ts');
      return await runFiles([join(REPO_ROOT, 'suites', `gate-${n}.yaml`)], `gate${n}`, values, argv);
    }
    case 'run': {
      if (rest.length === 0) throw new UsageError('run expects one or more suite or gate files');
      const files = rest.map((f) => resolve(f));
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
      const { runFiles } = await import('./commands/run-files.ts');
      return await runFiles(files, basename(files[0]!).replace(/\.ya?ml$/, ''), values, argv);
    }
    case 'check': {
      const { checkCommand } = await import('./commands/check.ts');
      return checkCommand(rest, values);
    }
    case 'report': {
      const { reportCommand } = await import('./report/report-command.ts');
      return await reportCommand(rest, values.reporter !== undefined ? { reporter: values.reporter } : {});
    }
    case 'record-golden': {
      const { recordGoldenCommand } = await import('./commands/record-golden.ts');
      return await recordGoldenCommand(values);
    }
    case 'fixtures': {
      const { fixturesCommand } = await import('./commands/fixtures.ts');
      return await fixturesCommand();
    }
    case 'swarm': {
      if (values.seeds !== undefined && !/^[1-9]\d*$/.test(values.seeds)) throw new UsageError(`--seeds expects a positive whole number, got "${values.seeds}"`);
      const { runSwarmCommand } = await import('./swarm-sweep.ts');
      return runSwarmCommand({
        ...(values.seeds !== undefined ? { seeds: Number(values.seeds) } : {}),
        ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
        ...(values.config !== undefined ? { config: values.config } : {}),
        ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
      });
    }
    case 'compare':
      return await (await import('./commands/compare.ts')).compareCommand(rest, values);
    case 'profile':
      return await (await import('./commands/profile.ts')).profileCommand(rest, values, argv);
    case 'status':
      return (await import('./commands/status.ts')).statusCommand(rest, values);
    case 'selfcheck':
      return await (await import('./commands/selfcheck.ts')).selfcheckCommand(values, argv);
    case 'canary':
      return await (await import('./commands/canary.ts')).canaryCommand(rest, values);
    case 'merge':
      return await (await import('./commands/merge.ts')).mergeCommand(rest, values);
    case 'k8s-job':
      return (await import('./commands/k8s-job.ts')).k8sJobCommand(rest, values);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export async function main(argv: string[]): Promise<number> {
  // serve has options of its own; it parses them itself.
  if (argv[0] === 'serve') {
    const { serveCommand } = await import('./server/serve-command.ts');
    return serveCommand(argv.slice(1));
  }
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
        only: { type: 'string' },
        duration: { type: 'string' },
        'out-of-order': { type: 'boolean' },
        noise: { type: 'string' },
        last: { type: 'string' },
        shard: { type: 'string' },
        'target-url': { type: 'string', multiple: true },
        tool: { type: 'string' },
        'analysis-limit': { type: 'string' },
        'start-at': { type: 'string' },
        barrier: { type: 'string' },
        'max-skew': { type: 'string' },
        shards: { type: 'string' },
        image: { type: 'string' },
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
    return await dispatch(command, rest, values, argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`embedgate: ${err.message}\n\nRun "embedgate --help" for usage.\n`);
      return EXIT.usage;
    }
    process.stderr.write(`embedgate: ${(err as Error).message}\n`);
    return EXIT.inconclusive;
  }
}
