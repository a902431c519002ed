// npm run bench:cli: how long `embedgate --help` and `embedgate check <one suite>` take to start
// and finish, against the 300 ms goal. Beside them, two floors that say where the time goes:
// node alone, and node with tsx registered loading one small .ts file (what bin/embedgate.mjs costs
// before any harness code runs). Each command runs once to warm tsx's transform cache, then
// EMBEDGATE_BENCH_CLI_REPS times (default 15), the four interleaved so that a busy spell hits all
// alike. Prints median and p90 of wall time, and the median CPU time of the command (user + system
// over all its threads, steadier than wall time when other work shares the cores); writes
// reports/bench/cli.json.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { detectCores } from '../harness/machine.ts';
import { median, percentileOfSorted } from '../harness/metrics/statistics.ts';
import { REPO_ROOT } from '../harness/paths.ts';
import { contentionLine, ownTreeCpuSeconds, watchContention } from '../harness/probes/process-cpu.ts';
import { writeFileAtomic } from '../harness/write-atomic.ts';

const REPS = Number(process.env.EMBEDGATE_BENCH_CLI_REPS ?? 15);
const GOAL_MS = 300;
const OUT = join(REPO_ROOT, 'reports', 'bench', 'cli.json');
const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');
const SUITE = join('suites', 'bench-embed.yaml');
const SMALL_TS = pathToFileURL(join(REPO_ROOT, 'harness', 'exit-codes.ts')).href;

interface Command {
  name: string;
  args: string[];
  /** Only the embedgate commands are held to the goal; the floors explain their figures. */
  goal: boolean;
}

const COMMANDS: Command[] = [
  { name: 'embedgate --help', args: [BIN, '--help'], goal: true },
  { name: `embedgate check ${SUITE}`, args: [BIN, 'check', SUITE], goal: true },
  { name: 'node -e 0 (floor: node itself)', args: ['-e', '0'], goal: false },
  {
    name: 'tsx register + one small .ts (floor: tsx)',
    args: ['--input-type=module', '-e', `const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(SMALL_TS)});`],
    goal: false,
  },
];

/** Wall time, and CPU time of the child (this process waits meanwhile, so its own share is nil). */
function runOnce(command: Command): { ms: number; cpuMs: number } {
  const cpu = ownTreeCpuSeconds();
  const started = performance.now();
  const child = spawnSync(process.execPath, command.args, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - started;
  const cpuMs = (ownTreeCpuSeconds() - cpu) * 1000;
  if (child.status !== 0) throw new Error(`${command.name} exited ${child.status ?? child.signal}:\n${child.stderr}`);
  return { ms, cpuMs };
}

async function main(): Promise<void> {
  const contention = watchContention();
  const cores = detectCores();
  for (const command of COMMANDS) runOnce(command); // warm-up: tsx's transform cache, the page cache
  const times = new Map<string, number[]>(COMMANDS.map((c) => [c.name, []]));
  const cpuTimes = new Map<string, number[]>(COMMANDS.map((c) => [c.name, []]));
  process.stderr.write(`${REPS} rounds of ${COMMANDS.length} commands …\n`);
  for (let round = 0; round < REPS; round++) {
    for (const command of COMMANDS) {
      const { ms, cpuMs } = runOnce(command);
      times.get(command.name)!.push(ms);
      cpuTimes.get(command.name)!.push(cpuMs);
    }
  }
  const results = COMMANDS.map((command) => {
    const ms = [...times.get(command.name)!].sort((a, b) => a - b);
    const medianMs = Math.round(median(ms));
    return {
      command: command.name,
      runs: ms.length,
      medianMs,
      p90Ms: Math.round(percentileOfSorted(ms, 90)),
      minMs: Math.round(ms[0]!),
      cpuMedianMs: Math.round(median(cpuTimes.get(command.name)!)),
      ...(command.goal ? { goalMs: GOAL_MS, withinGoal: medianMs < GOAL_MS } : {}),
    };
  });
  const report = {
    schemaVersion: 1,
    kind: 'cli-startup-benchmark',
    createdAt: new Date().toISOString(),
    machine: { cores, cpuModel: cpus()[0]?.model ?? 'unknown', nodeVersion: process.version, contention: contention() },
    results,
  };
  await writeFileAtomic(OUT, `${JSON.stringify(report, null, 2)}\n`);
  const width = Math.max(...results.map((r) => r.command.length));
  const lines = results.map((r) => {
    const verdict = r.goalMs === undefined ? '' : r.withinGoal ? `  under the ${GOAL_MS} ms goal` : `  OVER the ${GOAL_MS} ms goal`;
    return `${r.command.padEnd(width)}  median ${String(r.medianMs).padStart(5)} ms  p90 ${String(r.p90Ms).padStart(5)} ms  min ${String(r.minMs).padStart(5)} ms  CPU ${String(r.cpuMedianMs).padStart(5)} ms${verdict}`;
  });
  process.stdout.write([...lines, contentionLine(report.machine.contention, cores.cores), `written to ${OUT}`, ''].join('\n'));
}

await main();
