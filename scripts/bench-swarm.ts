// npm run bench:swarm: how fast the simulated swarm runs, against the plan's budget (a simulated
// day in under a second, 1000 seeds in under a minute).
//  1. A simulated day: coordinator, standby and six workers (8 agents), 30 s heartbeats, the
//     migration DAG back to back for 24 h of virtual time, no injected fault.
//  2. A sweep: `embedgate swarm --seeds 1000` (the default topology, a random fault schedule per seed).
// Each is run several times after a warm-up; the median is the figure. Writes reports/bench/swarm.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSwarmCommand } from '../harness/swarm-sweep.ts';
import { detectCores } from '../harness/machine.ts';
import { median } from '../harness/metrics/statistics.ts';
import { contentionLine, watchContention } from '../harness/probes/process-cpu.ts';
import { resolveSwarmConfig } from '../harness/targets/swarm/params.ts';
import { runSwarm } from '../harness/targets/swarm/simulation.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'reports', 'bench', 'swarm.json');
const SCHEMA_VERSION = 2; // 2: machine.contention replaces the load averages
const DAY_REPS = Number(process.env.EMBEDGATE_BENCH_DAY_REPS ?? 7);
const SWEEP_REPS = Number(process.env.EMBEDGATE_BENCH_SWEEP_REPS ?? 3);
const SWEEP_SEEDS = Number(process.env.EMBEDGATE_BENCH_SWEEP_SEEDS ?? 1000);
const DAY_BUDGET_MS = 1000;
const SWEEP_BUDGET_MS = 60_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Wall time, and CPU time of this process (steadier than wall time when other processes share the cores). */
function timed<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, value };
}

function benchDay() {
  const config = resolveSwarmConfig({ duration: '24h', waves: 10_000 }, ROOT);
  const once = () => runSwarm(config, { seed: 1, trace: 'digest' });
  const warm = once();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < DAY_REPS; i++) {
    const { ms, cpuMs, value } = timed(once);
    if (value.trace.digest() !== warm.trace.digest()) throw new Error('a simulated day gave two different traces for one seed: determinism is broken');
    times.push(ms);
    cpuTimes.push(cpuMs);
  }
  const agents = config.workers.length + 1 + (config.standby ? 1 : 0);
  return {
    virtualHours: warm.endedAt / 3_600_000,
    agents,
    heartbeatMs: config.heartbeat.intervalMs,
    wavesCommitted: warm.record.waves.filter((w) => w.committedAt !== undefined).length,
    events: warm.events,
    traceLines: warm.trace.length,
    traceDigest: warm.trace.digest(),
    violations: warm.violations.length,
    repetitions: DAY_REPS,
    timesMs: times.map((t) => Math.round(t * 10) / 10),
    medianMs: Math.round(median(times) * 10) / 10,
    medianCpuMs: Math.round(median(cpuTimes) * 10) / 10,
    eventsPerSecond: Math.round(warm.events / (median(times) / 1000)),
    budgetMs: DAY_BUDGET_MS,
  };
}

function benchSweep() {
  let lastSummary = '';
  const once = () => runSwarmCommand({ seeds: SWEEP_SEEDS, write: (text) => (lastSummary = text) });
  runSwarmCommand({ seeds: 50, write: () => undefined }); // warm-up
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let exitCode = 0;
  for (let i = 0; i < SWEEP_REPS; i++) {
    const { ms, cpuMs, value } = timed(once);
    exitCode = Math.max(exitCode, value);
    times.push(ms);
    cpuTimes.push(cpuMs);
  }
  return {
    seeds: SWEEP_SEEDS,
    exitCode,
    summary: lastSummary.trim(),
    repetitions: SWEEP_REPS,
    timesMs: times.map((t) => Math.round(t)),
    medianMs: Math.round(median(times)),
    medianCpuMs: Math.round(median(cpuTimes)),
    msPerSeed: Math.round((median(times) / SWEEP_SEEDS) * 100) / 100,
    budgetMs: SWEEP_BUDGET_MS,
  };
}

async function main(): Promise<void> {
  const contention = watchContention();
  const cores = detectCores();
  log(`simulated day: 1 warm-up + ${DAY_REPS} runs …`);
  const day = benchDay();
  log(`sweep: ${SWEEP_SEEDS} seeds, ${SWEEP_REPS} runs …`);
  const sweep = benchSweep();
  const report = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'swarm-benchmark',
    createdAt: new Date().toISOString(),
    machine: { cores, cpuModel: cpus()[0]?.model ?? 'unknown', nodeVersion: process.version, contention: contention() },
    day,
    sweep,
  };
  await mkdir(dirname(OUT), { recursive: true });
  await writeFile(OUT, `${JSON.stringify(report, null, 2)}\n`);
  const verdict = (ms: number, budget: number) => (ms < budget ? `within the ${budget / 1000} s budget` : `OVER the ${budget / 1000} s budget`);
  process.stdout.write(
    [
      `simulated day (${day.virtualHours} h virtual, ${day.agents} agents, ${day.heartbeatMs / 1000} s heartbeats, ${day.wavesCommitted} DAG waves, ${day.events} events): ` +
        `median ${day.medianMs} ms of ${day.repetitions} (CPU ${day.medianCpuMs} ms; ${day.eventsPerSecond.toLocaleString('en')} events/s), ${verdict(day.medianMs, day.budgetMs)}`,
      `sweep of ${sweep.seeds} seeds: median ${(sweep.medianMs / 1000).toFixed(2)} s of ${sweep.repetitions} (CPU ${(sweep.medianCpuMs / 1000).toFixed(2)} s; ${sweep.msPerSeed} ms per seed), ${verdict(sweep.medianMs, sweep.budgetMs)}; exit ${sweep.exitCode}`,
      `  ${sweep.summary}`,
      contentionLine(report.machine.contention, cores.cores),
      `written to ${OUT}`,
      '',
    ].join('\n'),
  );
}

await main();
