// npm run bench: per-embedding latency and pool throughput of each fixture model, through the
// real worker, with the thread choice embedgate makes beside node-llama-cpp's default threads.
// Writes reports/bench/threads.json. Bounded to a few minutes: the default-threads rows are
// slow on small machines by design (that is what they show), so they get a handful of samples.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { ensureFixtureModels } from '../harness/gguf/fixtures/ensure.ts';
import { openGgufTarget, type GgufTarget, type GgufTargetOptions } from '../harness/targets/gguf/target.ts';
import { detectCores } from '../harness/targets/gguf/threads.ts';
import { EXIT } from '../harness/exit-codes.ts';
import { percentileOfSorted } from '../harness/metrics/statistics.ts';
import { contentionLine, watchContention } from '../harness/probes/process-cpu.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'reports', 'bench', 'threads.json');
const SCHEMA_VERSION = 2; // 2: machine.contention replaces the load averages
const MODELS = ['baseline', 'baseline-q8_0', 'candidate', 'candidate-q8_0'];
const POOLS: [contexts: number, threads: number][] = [[1, 1], [1, 2], [2, 1], [4, 1]];
// Short so the whole script stays near 2 minutes on 2 cores; raise for a quieter measurement.
const LATENCY_MS = Number(process.env.EMBEDGATE_BENCH_LATENCY_MS ?? 600);
const THROUGHPUT_MS = Number(process.env.EMBEDGATE_BENCH_THROUGHPUT_MS ?? 800);
// node-llama-cpp's default threads take seconds per embedding on 2 cores: a few samples show it.
const DEFAULT_THREADS_SAMPLES = 3;

interface Row {
  model: string;
  config: 'chosen' | 'node-llama-cpp-default' | 'pool';
  contexts: number;
  /** Threads per context as the worker resolved them. */
  threads: number;
  /** Requests in flight at once (1 = latency run). */
  concurrency: number;
  samples: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  embeddingsPerSec: number;
  reason?: string;
}

/** Runs embed([text]) with `concurrency` calls in flight; returns latency stats and wall-clock throughput. */
async function measure(target: GgufTarget, texts: string[], concurrency: number, timeMs: number, minIterations: number) {
  let next = 0;
  const fn = async () => {
    await target.embed([texts[next++ % texts.length] as string]);
  };
  await fn(); // warm the caches outside the measurement
  const bench = new Bench({
    time: timeMs,
    iterations: minIterations,
    warmup: false,
    retainSamples: true,
    throws: true,
    ...(concurrency > 1 ? { concurrency: 'task' as const, threshold: concurrency, iterations: 0 } : {}),
  });
  bench.add('embed', fn);
  const started = performance.now();
  await bench.run();
  const wallMs = performance.now() - started;
  const r = bench.tasks[0]?.result;
  if (!r || (r.state !== 'completed' && r.state !== 'aborted-with-statistics')) throw new Error(`bench did not complete: ${r?.state}`);
  const samples = [...(r.latency.samples ?? [])].sort((a, b) => a - b);
  return {
    samples: samples.length,
    p50Ms: r.latency.p50,
    p95Ms: percentileOfSorted(samples, 95),
    meanMs: r.latency.mean,
    embeddingsPerSec: (samples.length / wallMs) * 1000,
  };
}

async function withTarget<T>(model: { name: string; path: string; sha256: string }, opts: GgufTargetOptions, fn: (t: GgufTarget) => Promise<T>): Promise<T> {
  const target = await openGgufTarget(
    { name: model.name, path: model.path, queryPrefix: '', documentPrefix: '', expectedSha256: model.sha256, source: 'scripts/bench-threads.ts', fixture: model.name },
    { ...opts, readyTimeoutMs: 120_000 },
  );
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function table(rows: Row[]): string {
  const head = ['model', 'config', 'ctx×thr', 'conc', 'samples', 'p50 ms', 'p95 ms', 'mean ms', 'emb/s'];
  const body = rows.map((r) => [r.model, r.config, `${r.contexts}×${r.threads}`, String(r.concurrency), String(r.samples), fmt(r.p50Ms, 3), fmt(r.p95Ms, 3), fmt(r.meanMs, 3), fmt(r.embeddingsPerSec, 0)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const sample = JSON.parse(await readFile(join(ROOT, 'fixtures', 'texts', 'code-search-sample.json'), 'utf8')) as { items: { text: string }[] };
  const texts = sample.items.map((i) => i.text);
  const models = await ensureFixtureModels();
  const cores = detectCores();
  const contention = watchContention();
  const rows: Row[] = [];
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);

  for (const name of MODELS) {
    const m = models[name];
    if (!m) {
      log(`skip ${name}: not among the fixture models (${Object.keys(models).join(', ')})`);
      continue;
    }
    const model = { name, path: m.path, sha256: m.sha256 };
    log(`${name}: chosen threads`);
    await withTarget(model, {}, async (t) => {
      const base = { model: name, contexts: t.facts.contexts, threads: t.facts.threads, reason: t.threadChoice.reason };
      rows.push({ ...base, config: 'chosen', concurrency: 1, ...(await measure(t, texts, 1, LATENCY_MS, 20)) });
      const conc = t.facts.contexts * 2;
      rows.push({ ...base, config: 'chosen', concurrency: conc, ...(await measure(t, texts, conc, THROUGHPUT_MS, 0)) });
    });
    log(`${name}: node-llama-cpp default threads (slow on few cores: few samples)`);
    await withTarget(model, { threads: 'node-llama-cpp-default', contexts: 1 }, async (t) => {
      rows.push({ model: name, config: 'node-llama-cpp-default', contexts: 1, threads: t.facts.threads, concurrency: 1, ...(await measure(t, texts, 1, 0, DEFAULT_THREADS_SAMPLES)) });
    });
    for (const [contexts, threads] of POOLS) {
      log(`${name}: pool ${contexts}×${threads}`);
      await withTarget(model, { contexts, threads }, async (t) => {
        const conc = Math.max(4, contexts * 2);
        rows.push({ model: name, config: 'pool', contexts, threads: t.facts.threads, concurrency: conc, ...(await measure(t, texts, conc, THROUGHPUT_MS, 0)) });
      });
    }
  }

  const report = {
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    // Other processes on the machine skew every row; the contention figure says how much to trust them.
    machine: { cores, nodeVersion: process.version, contention: contention() },
    settings: { latencyMs: LATENCY_MS, throughputMs: THROUGHPUT_MS, texts: texts.length },
    durationMs: Math.round(performance.now() - started),
    rows,
  };
  await mkdir(dirname(OUT), { recursive: true });
  await writeFile(OUT, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    `${table(rows)}\n\nchosen: ${rows.find((r) => r.reason)?.reason ?? '—'}\n${contentionLine(report.machine.contention, cores.cores)}\n` +
      `wrote ${OUT} in ${(report.durationMs / 1000).toFixed(1)} s\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-threads failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT.inconclusive;
});
