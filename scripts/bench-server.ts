// npm run bench:server: how close `embedgate serve` comes to what the machine allows.
//  1. In-process ceiling: the same worker without HTTP, pools of contexts × 1 thread, enough calls
//     in flight to keep every context busy; the best pool is the ceiling. 1 × 1 with one call in
//     flight is sequential.
//  2. The server (a child `embedgate serve` on 127.0.0.1, cache off, the ceiling's pool) under
//     autocannon at 1 and at 100 connections, one input per request.
// Prints the ratio to sequential beside the ceiling's, and the share of the ceiling reached;
// writes reports/bench/server.json. Bounded: about 1.5 minutes, stops by itself.
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
import { contentionLine, watchContention } from '../harness/probes/process-cpu.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'reports', 'bench', 'server.json');
const SCHEMA_VERSION = 2; // 2: machine.contention replaces the load averages
const MODEL = process.env.EMBEDGATE_BENCH_MODEL ?? 'baseline';
const POOLS = [1, 2, 4];
const INPROCESS_S = Number(process.env.EMBEDGATE_BENCH_INPROCESS_S ?? 5);
const HTTP_S = Number(process.env.EMBEDGATE_BENCH_HTTP_S ?? 10);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Closed loop: `concurrency` callers each embedding one text at a time for `seconds`. */
async function inProcess(target: GgufTarget, texts: string[], concurrency: number, seconds: number): Promise<number> {
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
}

async function cannon(url: string, texts: string[], connections: number, seconds: number): Promise<HttpRow> {
  const bodies = texts.map((t) => JSON.stringify({ model: MODEL, input: t, encoding_format: 'base64' }));
  let next = 0;
  const cpuBefore = process.cpuUsage();
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
  return {
    connections,
    requestsPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
    loadGeneratorCores: (cpu.user + cpu.system) / 1000 / (performance.now() - started),
  };
}

async function startServe(contexts: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'embedgate.mjs'), 'serve', '--model', MODEL, '--port', '0', '--contexts', String(contexts), '--threads', '1', '--cache-mb', '0'], {
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

  log(`embedgate serve --contexts ${ceiling.contexts} (the ceiling's pool), cache off`);
  const serve = await startServe(ceiling.contexts);
  let httpRows: HttpRow[];
  try {
    await cannon(serve.url, texts, 10, 2); // warm up
    httpRows = [];
    for (const connections of [1, 100]) {
      const row = await cannon(serve.url, texts, connections, HTTP_S);
      httpRows.push(row);
      log(`http ${connections} connection(s): ${row.requestsPerSec.toFixed(0)} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, non-2xx ${row.non2xx}, errors ${row.errors}, load generator ${row.loadGeneratorCores.toFixed(2)} cores`);
    }
  } finally {
    await serve.stop();
  }
  const [one, hundred] = httpRows as [HttpRow, HttpRow];
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
  };
  const report = {
    schemaVersion: SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    model: MODEL,
    machine: { cores, cpuModel: cpus()[0]?.model ?? 'unknown', nodeVersion: process.version, contention: contention() },
    settings: { inProcessSeconds: INPROCESS_S, httpSeconds: HTTP_S, texts: texts.length, inputsPerRequest: 1, cache: 'off' },
    durationMs: Math.round(performance.now() - started),
    inProcess: inProcessRows,
    http: httpRows,
    summary,
  };
  await mkdir(dirname(OUT), { recursive: true });
  await writeFile(OUT, `${JSON.stringify(report, null, 2)}\n`);
  const f = (n: number) => n.toFixed(0);
  const x = (n: number) => `${n.toFixed(2)}x`;
  process.stdout.write(
    [
      `model ${MODEL}, ${cores.cores} core(s), one input per request, cache off`,
      `in-process sequential (1×1, 1 in flight)   ${f(sequential)} emb/s`,
      `in-process ceiling (best pool ${summary.ceilingPool})         ${f(summary.ceilingPerSec)} emb/s  = ${x(summary.ceilingRatioToSequential)} sequential`,
      `http, 1 connection                         ${f(summary.httpSequentialPerSec)} req/s`,
      `http, 100 connections                      ${f(summary.http100PerSec)} req/s  = ${x(summary.http100RatioToInProcessSequential)} in-process sequential, ${x(summary.http100RatioToHttpSequential)} http sequential`,
      `share of the ceiling at 100 connections    ${(summary.shareOfCeiling * 100).toFixed(1)} %  (goal ≥ 90 %), errors ${(summary.errorRate100 * 100).toFixed(2)} %`,
      contentionLine(report.machine.contention, cores.cores),
      `wrote ${OUT} in ${(report.durationMs / 1000).toFixed(1)} s`,
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-server failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT.inconclusive;
});
