// node --import tsx scripts/bench-shards.ts: does splitting the load
// generator change what is measured? One target, driven A B A B: A is one `embedgate run` at 100
// closed connections, B four shards at 25 each (--shard i/4, one barrier) merged by `embedgate
// merge`. Prints, per round and as medians over the pairs, throughput, p50 and p99 of both and
// the ratio B / A, with how busy the machine was. The target is the misbehaving test server, clean,
// with a fixed service time (EMBEDGATE_BENCH_DELAY_MS, default 20 ms, in 20 lanes: at most 1,000
// answers/s), so the target's capacity is known and the generator is what varies. Bounded: about
// 1 minute at the defaults (EMBEDGATE_BENCH_ROUNDS=2, EMBEDGATE_BENCH_SECONDS=5).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnMisbehavingServer } from '../harness/http-client/testing/processes.ts';
import { median } from '../harness/metrics/statistics.ts';
import { REPO_ROOT } from '../harness/paths.ts';
import { contentionLine, watchContention } from '../harness/probes/process-cpu.ts';
import type { RunReport } from '../harness/result.ts';

const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');
const ROUNDS = Number(process.env.EMBEDGATE_BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.EMBEDGATE_BENCH_SECONDS ?? 5);
const DELAY_MS = Number(process.env.EMBEDGATE_BENCH_DELAY_MS ?? 20);
const SHARDS = 4;
const CONNECTIONS = 100;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  sent: number;
  errors: number;
}

function cli(args: string[]): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      if (code !== 0) log(`embedgate ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}`);
      resolve(code);
    }),
  );
}

const runDir = (out: string) => join(out, readdirSync(out)[0]!);

function figures(dir: string): Figures {
  const m = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport).suites[0]!.metrics;
  const v = (n: string) => m[n]?.value ?? NaN;
  return { rps: v('throughput.rps'), p50: v('latency.p50'), p99: v('latency.p99'), sent: v('requests.sent'), errors: v('errors.total') };
}

async function single(work: string, suite: string): Promise<Figures> {
  const out = mkdtempSync(join(work, 'single-'));
  await cli(['run', suite, '--out', out, '--reporter', 'json']);
  return figures(runDir(out));
}

async function sharded(work: string, suite: string): Promise<Figures> {
  const barrier = join(mkdtempSync(join(work, 'barrier-')), 'go');
  const outs = Array.from({ length: SHARDS }, (_, i) => mkdtempSync(join(work, `shard${i}-`)));
  const runs = outs.map((out, i) => cli(['run', suite, '--shard', `${i}/${SHARDS}`, '--barrier', barrier, '--out', out, '--reporter', 'json']));
  // Every shard polls the barrier until it exists; a start 3 s ahead leaves them time to load.
  writeFileSync(barrier, new Date(Date.now() + 3000).toISOString());
  await Promise.all(runs);
  const merged = mkdtempSync(join(work, 'merged-'));
  await cli(['merge', ...outs.map(runDir), '--out', merged, '--reporter', 'json']);
  return figures(runDir(merged));
}

const fmt = (f: Figures) => `${f.rps.toFixed(1)} ok/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms (${f.sent} sent, ${f.errors} errors)`;

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const work = mkdtempSync(join(tmpdir(), 'embedgate-bench-shards-'));
  try {
    const url = await spawnMisbehavingServer(['--delay-ms', String(DELAY_MS), '--lanes', '20', '--queue', '100000'], children);
    const suite = join(work, 'load-bench.yaml');
    writeFileSync(suite, `suite: load-bench\nkind: load\ntarget: { http: ${url} }\nload: { phases: [closed], connections: ${CONNECTIONS}, duration: ${SECONDS}s, warmup: 1s, rounds: 1, repeatShare: 0, ceiling: false }\nchecks:\n  - requests.sent > 0\n`);
    const watch = watchContention();
    const load0 = loadavg();
    const pairs: { a: Figures; b: Figures }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await single(work, suite);
      log(`round ${r + 1} A, 1 generator × ${CONNECTIONS}: ${fmt(a)}`);
      const b = await sharded(work, suite);
      log(`round ${r + 1} B, ${SHARDS} shards × ${CONNECTIONS / SHARDS}, merged: ${fmt(b)}`);
      pairs.push({ a, b });
    }
    const ratio = (k: keyof Figures) => median(pairs.map((p) => p.b[k] / p.a[k]));
    const med = (side: 'a' | 'b', k: keyof Figures) => median(pairs.map((p) => p[side][k]));
    process.stdout.write(
      [
        `target: misbehaving test server, ${DELAY_MS} ms a request in 20 lanes (capacity ${(20_000 / DELAY_MS).toFixed(0)}/s); closed model, ${SECONDS} s per run, ${ROUNDS} interleaved rounds (A B A B)`,
        `A  1 generator,  c=${CONNECTIONS}: median ${med('a', 'rps').toFixed(1)} ok/s, p50 ${med('a', 'p50').toFixed(1)} ms, p99 ${med('a', 'p99').toFixed(1)} ms`,
        `B  ${SHARDS} shards, c=${CONNECTIONS / SHARDS} each, merged: median ${med('b', 'rps').toFixed(1)} ok/s, p50 ${med('b', 'p50').toFixed(1)} ms, p99 ${med('b', 'p99').toFixed(1)} ms`,
        `B / A (median over pairs): throughput ${ratio('rps').toFixed(3)}, p50 ${ratio('p50').toFixed(3)}, p99 ${ratio('p99').toFixed(3)}`,
        `load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${contentionLine(watch(), availableParallelism())}`,
      ].join('\n') + '\n',
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
