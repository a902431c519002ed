// npm run bench:server: how close `embedgate serve` comes to its engine's in-process ceiling, and,
// given a llama-server binary, to llama.cpp's own server on the same model and cores.
//  1. In-process ceiling: the same worker (node-llama-cpp in process) without HTTP, pools of
//     contexts × 1 thread, enough calls in flight to keep every context busy; the best pool is the
//     ceiling. 1 × 1 with one call in flight is sequential. That engine's limit, not the machine's.
//  2. The server (a child `embedgate serve` on 127.0.0.1, cache off, the ceiling's pool) under
//     autocannon at 1 and at 100 connections, one input per request.
//  3. With EMBEDGATE_LLAMA_SERVER=/path/to/llama-server: llama-server on the same GGUF file
//     (-t <cores> -np 8, --embeddings, the model's pooling) on 127.0.0.1, driven the same way and
//     interleaved with embedgate serve (A B A B A B, EMBEDGATE_BENCH_REPS rounds, default 3); the
//     ratio embedgate / llama-server is the median over the rounds' pairs.
// Prints the ratio to sequential beside the ceiling's, the share of the ceiling reached and the
// ratio to llama-server; writes reports/bench/server.json. Bounded: about 1.5 minutes without
// llama-server, about 4 with it; stops by itself.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ensureFixtureModels } from '../harness/gguf/fixtures/ensure.ts';
import { openGgufTarget, type GgufTarget } from '../harness/targets/gguf/target.ts';
import { detectCores } from '../harness/targets/gguf/threads.ts';
import { EXIT } from '../harness/exit-codes.ts';
import { contentionLine, treeCpuSeconds, watchContention } from '../harness/probes/process-cpu.ts';
import { median } from '../harness/metrics/statistics.ts';
import { ReferenceProcess } from '../harness/targets/reference/command.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'reports', 'bench', 'server.json');
const SCHEMA_VERSION = 3; // 2: machine.contention replaces the load averages; 3: http rows are medians of reps, llamaServer
const LLAMA_SERVER = process.env.EMBEDGATE_LLAMA_SERVER;
const REPS = Number(process.env.EMBEDGATE_BENCH_REPS ?? (LLAMA_SERVER ? 3 : 1));
const LLAMA_PARALLEL = Number(process.env.EMBEDGATE_LLAMA_PARALLEL ?? 8);
/** Threads of llama-server; default the machine's cores. 1 compares engines by CPU per request on a busy machine, where threads spin at barriers. */
const LLAMA_THREADS = process.env.EMBEDGATE_LLAMA_THREADS;
const MODEL = process.env.EMBEDGATE_BENCH_MODEL ?? 'baseline';
const POOLS = [1, 2, 4];
const INPROCESS_S = Number(process.env.EMBEDGATE_BENCH_INPROCESS_S ?? 5);
const HTTP_S = Number(process.env.EMBEDGATE_BENCH_HTTP_S ?? 10);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Closed loop: `concurrency` callers each embedding one text at a time for `seconds`. */
/** The worker's facts, from the first in-process target: llama-server gets the same pooling. */
let facts: GgufTarget['facts'] | undefined;

async function inProcess(target: GgufTarget, texts: string[], concurrency: number, seconds: number): Promise<number> {
  facts ??= target.facts;
  let next = 0;
  const one = () => target.embed([texts[next++ % texts.length]!]);
  for (let i = 0; i < 20; i++) await one(); // warm up
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await one();
        done++;
      }
    }),
  );
  return (done * 1000) / (performance.now() - started);
}

interface HttpRow {
  connections: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  requests: number;
  /** CPU the load generator (this process) used, in cores: near 1 means it may be the bottleneck. */
  loadGeneratorCores: number;
  /** CPU the server's process tree used per answered request, in ms: where the time goes, steadier than wall time on a busy machine. */
  serverCpuMsPerRequest: number;
}

const treeCpu = (pid: number) => [...treeCpuSeconds(pid).values()].reduce((a, b) => a + b, 0);

async function cannon(url: string, texts: string[], connections: number, seconds: number, serverPid: number): Promise<HttpRow> {
  const bodies = texts.map((t) => JSON.stringify({ model: MODEL, input: t, encoding_format: 'base64' }));
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const serverBefore = treeCpu(serverPid);
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/v1/embeddings`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }) }],
  });
  const cpu = process.cpuUsage(cpuBefore);
  const serverSeconds = treeCpu(serverPid) - serverBefore;
  return {
    connections,
    requestsPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
    loadGeneratorCores: (cpu.user + cpu.system) / 1000 / (performance.now() - started),
    serverCpuMsPerRequest: (serverSeconds * 1000) / Math.max(1, result.requests.total),
  };
}

async function startServe(contexts: number, threads = 1): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'embedgate.mjs'), 'serve', '--model', MODEL, '--port', '0', '--contexts', String(contexts), '--threads', String(threads), '--cache-mb', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedgate serve not ready in 120 s:\n${text}`)), 120_000);
    child.stderr.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /ready at (http:\/\/[\d.:]+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('close', () => reject(new Error(`embedgate serve exited:\n${text}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function main(): Promise<void> {
  const sample = JSON.parse(await readFile(join(ROOT, 'fixtures', 'texts', 'code-search-sample.json'), 'utf8')) as { items: { text: string }[] };
  const texts = sample.items.map((i) => i.text);
  const m = (await ensureFixtureModels())[MODEL];
  if (!m) throw new Error(`no fixture model ${MODEL}`);
  const cores = detectCores();
  const contention = watchContention();
  const started = performance.now();

  const inProcessRows: { contexts: number; threads: number; concurrency: number; embeddingsPerSec: number }[] = [];
  for (const contexts of POOLS) {
    const target = await openGgufTarget({ name: MODEL, path: m.path, queryPrefix: '', documentPrefix: '', expectedSha256: m.sha256, source: 'bench-server', fixture: MODEL }, { contexts, threads: 1, readyTimeoutMs: 120_000 });
    try {
      if (contexts === 1) {
        const seq = await inProcess(target, texts, 1, INPROCESS_S);
        inProcessRows.push({ contexts, threads: 1, concurrency: 1, embeddingsPerSec: seq });
        log(`in-process 1×1, 1 in flight (sequential): ${seq.toFixed(0)} emb/s`);
      }
      const conc = Math.max(8, contexts * 4);
      const rate = await inProcess(target, texts, conc, INPROCESS_S);
      inProcessRows.push({ contexts, threads: 1, concurrency: conc, embeddingsPerSec: rate });
      log(`in-process ${contexts}×1, ${conc} in flight: ${rate.toFixed(0)} emb/s`);
    } finally {
      await target.close();
    }
  }
  const sequential = inProcessRows[0]!.embeddingsPerSec;
  const ceiling = inProcessRows.slice(1).reduce((a, b) => (b.embeddingsPerSec > a.embeddingsPerSec ? b : a));


  // EMBEDGATE_BENCH_SERVE=CxT overrides the pool (contexts × threads), to try others against llama-server.
  const [contextsOverride, threadsOverride] = (process.env.EMBEDGATE_BENCH_SERVE ?? '').split('x').map(Number);
  const pool = { contexts: contextsOverride || ceiling.contexts, threads: threadsOverride || 1 };
  const serve = await startServe(pool.contexts, pool.threads);
  let llama: ReferenceProcess | undefined;
  const runs: Record<number, { serve: HttpRow[]; llama: HttpRow[] }> = {};
  try {
    if (LLAMA_SERVER) {
      const pooling = facts && ['mean', 'cls', 'last'].includes(facts.pooling) ? ['--pooling', facts.pooling] : [];
      const command = [LLAMA_SERVER, '-m', '{model}', '--embeddings', ...pooling, '-t', LLAMA_THREADS ?? String(cores.cores), '-np', String(LLAMA_PARALLEL), '--port', '{port}', '--host', '127.0.0.1'];
      llama = await ReferenceProcess.start({ command, modelPath: m.path, ready: '/health', readyTimeoutMs: 120_000 });
      log(`llama-server: ${llama.argv.join(' ')} (cold start ${(llama.coldStartMs / 1000).toFixed(1)} s)`);
    }
    log(`embedgate serve --contexts ${pool.contexts} --threads ${pool.threads}${process.env.EMBEDGATE_BENCH_SERVE ? '' : " (the ceiling's pool)"}, cache off`);
    await cannon(serve.url, texts, 10, 2, serve.pid); // warm up
    if (llama) await cannon(llama.url, texts, 10, 2, llama.pid);
    // A B A B A B: each pair runs back to back, so a noisy neighbour hits both sides of a ratio alike.
    for (const connections of [1, 100]) {
      const slot: { serve: HttpRow[]; llama: HttpRow[] } = { serve: [], llama: [] };
      runs[connections] = slot;
      for (let rep = 0; rep < REPS; rep++) {
        const row = await cannon(serve.url, texts, connections, HTTP_S, serve.pid);
        slot.serve.push(row);
        log(`embedgate serve, ${connections} connection(s): ${row.requestsPerSec.toFixed(0)} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, non-2xx ${row.non2xx}, errors ${row.errors}, load generator ${row.loadGeneratorCores.toFixed(2)} cores, server ${row.serverCpuMsPerRequest.toFixed(1)} CPU ms/request`);
        if (!llama) continue;
        const ref = await cannon(llama.url, texts, connections, HTTP_S, llama.pid);
        slot.llama.push(ref);
        log(`llama-server,    ${connections} connection(s): ${ref.requestsPerSec.toFixed(0)} req/s, p50 ${ref.p50Ms} ms, p99 ${ref.p99Ms} ms, non-2xx ${ref.non2xx}, errors ${ref.errors}, load generator ${ref.loadGeneratorCores.toFixed(2)} cores, server ${ref.serverCpuMsPerRequest.toFixed(1)} CPU ms/request`);
      }
    }
  } finally {
    await serve.stop();
    await llama?.stop();
  }
  /** The row with the median throughput of the reps (3 reps: the middle one). */
  const mid = (rows: HttpRow[]) => [...rows].sort((a, b) => a.requestsPerSec - b.requestsPerSec)[Math.floor((rows.length - 1) / 2)]!;
  const httpRows = [mid(runs[1]!.serve), mid(runs[100]!.serve)];
  const [one, hundred] = httpRows as [HttpRow, HttpRow];
  const pairRatio = (c: number) => median(runs[c]!.serve.map((r, i) => r.requestsPerSec / runs[c]!.llama[i]!.requestsPerSec));
  const llamaServer = llama
    ? {
        command: llama.argv,
        http: [mid(runs[1]!.llama), mid(runs[100]!.llama)],
        reps: { embedgate: runs[1]!.serve.concat(runs[100]!.serve).map((r) => r.requestsPerSec), llamaServer: runs[1]!.llama.concat(runs[100]!.llama).map((r) => r.requestsPerSec) },
        ratio1: pairRatio(1),
        ratio100: pairRatio(100),
      }
    : undefined;
  const summary = {
    inProcessSequentialPerSec: sequential,
    ceilingPerSec: ceiling.embeddingsPerSec,
    ceilingPool: `${ceiling.contexts}×${ceiling.threads}`,
    ceilingRatioToSequential: ceiling.embeddingsPerSec / sequential,
    httpSequentialPerSec: one.requestsPerSec,
    http100PerSec: hundred.requestsPerSec,
    http100RatioToHttpSequential: hundred.requestsPerSec / one.requestsPerSec,
    http100RatioToInProcessSequential: hundred.requestsPerSec / sequential,
    shareOfCeiling: hundred.requestsPerSec / ceiling.embeddingsPerSec,
    errorRate100: (hundred.non2xx + hundred.errors) / Math.max(1, hundred.requests),
    ...(llamaServer ? { ratioToLlamaServer1: llamaServer.ratio1, ratioToLlamaServer100: llamaServer.ratio100 } : {}),
  };
  const report = {
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    model: MODEL,
    machine: { cores, cpuModel: cpus()[0]?.model ?? 'unknown', nodeVersion: process.version, contention: contention() },
    settings: { inProcessSeconds: INPROCESS_S, httpSeconds: HTTP_S, reps: REPS, servePool: `${pool.contexts}×${pool.threads}`, texts: texts.length, inputsPerRequest: 1, cache: 'off' },
    durationMs: Math.round(performance.now() - started),
    inProcess: inProcessRows,
    http: httpRows,
    ...(llamaServer ? { llamaServer } : {}),
    summary,
  };
  await mkdir(dirname(OUT), { recursive: true });
  await writeFile(OUT, `${JSON.stringify(report, null, 2)}\n`);
  const f = (n: number) => n.toFixed(0);
  const x = (n: number) => `${n.toFixed(2)}x`;
  const vsLlama = (c: 1 | 100) => (llamaServer ? `  = ${x(c === 1 ? llamaServer.ratio1 : llamaServer.ratio100)} llama-server (${f(mid(runs[c]!.llama).requestsPerSec)} req/s)` : '');
  process.stdout.write(
    [
      `model ${MODEL}, ${cores.cores} core(s), one input per request, cache off${REPS > 1 ? `, http median of ${REPS} interleaved rounds` : ''}`,
      `in-process sequential (1×1, 1 in flight)   ${f(sequential)} emb/s  (node-llama-cpp in process)`,
      `in-process ceiling (best pool ${summary.ceilingPool})         ${f(summary.ceilingPerSec)} emb/s  = ${x(summary.ceilingRatioToSequential)} sequential (node-llama-cpp's limit, not the machine's)`,
      `http, 1 connection                         ${f(summary.httpSequentialPerSec)} req/s${vsLlama(1)}`,
      `http, 100 connections                      ${f(summary.http100PerSec)} req/s  = ${x(summary.http100RatioToInProcessSequential)} in-process sequential, ${x(summary.http100RatioToHttpSequential)} http sequential${vsLlama(100)}`,
      `share of the ceiling at 100 connections    ${(summary.shareOfCeiling * 100).toFixed(1)} %  (goal ≥ 90 %), errors ${(summary.errorRate100 * 100).toFixed(2)} %`,
      ...(llamaServer
        ? [
            `embedgate serve / llama-server              ${x(llamaServer.ratio1)} at 1 connection, ${x(llamaServer.ratio100)} at 100 (goal ≥ 0.9x at 100; median of ${REPS} interleaved pairs)`,
            `server CPU per request, 1 / 100 conn.      embedgate serve ${one.serverCpuMsPerRequest.toFixed(1)} / ${hundred.serverCpuMsPerRequest.toFixed(1)} ms, llama-server ${llamaServer.http[0]!.serverCpuMsPerRequest.toFixed(1)} / ${llamaServer.http[1]!.serverCpuMsPerRequest.toFixed(1)} ms`,
          ]
        : []),
      contentionLine(report.machine.contention, cores.cores),
      `wrote ${OUT} in ${(report.durationMs / 1000).toFixed(1)} s`,
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-server failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT.inconclusive;
});
