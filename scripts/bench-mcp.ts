// npm run bench:mcp (node --import tsx scripts/bench-mcp.ts): what driving the embedder through
// MCP costs beside plain HTTP. One `embedgate serve --mcp` (cache off; a one-document search
// index, so no index build competes) serves both /v1/embeddings and /mcp on one port; the same
// closed-model load suite (100 connections or virtual users, one text per call) runs through the
// CLI against each, interleaved A B A B, so a busy spell hits both alike. Prints each run's
// throughput and per-call p50/p95, the ratio MCP / HTTP per pair and their median, the load
// average and how busy other processes kept the cores;
// writes reports/bench/mcp.json.
//   --model NAME (default candidate)  --pairs N (2)  --duration 5s  --connections 100  --session per-user|per-call
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectCores } from '../harness/machine.ts';
import { median } from '../harness/metrics/statistics.ts';
import { REPO_ROOT } from '../harness/paths.ts';
import { contentionLine, watchContention } from '../harness/probes/process-cpu.ts';
import { ServeProcess } from '../harness/targets/gguf/serve-process.ts';
import { runCli } from '../harness/testing/run-cli.ts';
import { writeFileAtomic } from '../harness/write-atomic.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'candidate' },
    pairs: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5s' },
    connections: { type: 'string', default: '100' },
    session: { type: 'string', default: 'per-user' },
  },
});
const OUT = join(REPO_ROOT, 'reports', 'bench', 'mcp.json');
const pairs = Number(values.pairs);
const work = mkdtempSync(join(tmpdir(), 'embedgate-bench-mcp-'));

interface Run {
  side: 'http' | 'mcp';
  pair: number;
  rps: number;
  p50: number;
  p95: number;
  sent: number;
  errors: number;
  invalid: number;
  outcome: string;
}

function suiteFile(side: 'http' | 'mcp', url: string): string {
  const target = side === 'http' ? `{ http: ${url} }` : `{ mcp: { url: ${url}/mcp } }`;
  const file = join(work, `bench-mcp-${side}.yaml`);
  writeFileSync(
    file,
    `suite: bench-mcp-${side}\nkind: load\ntarget: ${target}\nload:\n  phases: [closed]\n  connections: ${values.connections}\n  duration: ${values.duration}\n  warmup: 2s\n  rounds: 1\n` +
      `  ceiling: false\n  repeatShare: 0\n  requestTimeout: 60s\n  mcp: { session: ${values.session} }\nchecks:\n  - errors.rate < 1%\n`,
  );
  return file;
}

const loadBefore = loadavg();
const contention = watchContention();
process.stdout.write(`starting embedgate serve --mcp --model ${values.model} (cache off)…\n`);
const serve = await ServeProcess.start({ model: values.model!, cacheMb: 0, extraArgs: ['--mcp', '--index-max-docs', '1'] });
const runs: Run[] = [];
try {
  const probe = await fetch(`${serve.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' }).catch(() => undefined);
  if (!probe || probe.status === 404) throw new Error(`${serve.url}/mcp answers ${probe?.status ?? 'nothing'}: this embedgate serve has no MCP front end (--mcp)`);
  const files = { http: suiteFile('http', serve.url), mcp: suiteFile('mcp', serve.url) };
  for (let pair = 1; pair <= pairs; pair++) {
    for (const side of ['http', 'mcp'] as const) {
      const ran = await runCli(['run', files[side]], { outUnder: work });
      const s = ran.report?.suites[0];
      if (!s) throw new Error(`bench-mcp-${side}: no report\n${ran.output}`);
      const v = (name: string) => s.metrics[name]?.value ?? Number.NaN;
      const run: Run = { side, pair, rps: v('throughput.rps'), p50: v('latency.p50'), p95: v('latency.p95'), sent: v('requests.sent'), errors: v('errors.total'), invalid: v('responses.invalid'), outcome: s.outcome };
      runs.push(run);
      process.stdout.write(`pair ${pair} ${side.padEnd(4)}: ${run.rps.toFixed(1)} calls/s, p50 ${run.p50.toFixed(0)} ms, p95 ${run.p95.toFixed(0)} ms, ${run.sent} sent, ${run.errors} errors, ${run.invalid} invalid (${run.outcome})\n`);
    }
  }
} finally {
  await serve.stop();
}
const ratios = Array.from({ length: pairs }, (_, i) => {
  const h = runs.find((r) => r.pair === i + 1 && r.side === 'http')!;
  const m = runs.find((r) => r.pair === i + 1 && r.side === 'mcp')!;
  return { pair: i + 1, throughput: m.rps / h.rps, p50: m.p50 / h.p50, p95: m.p95 / h.p95 };
});
const summary = {
  throughput: median(ratios.map((r) => r.throughput)),
  p50: median(ratios.map((r) => r.p50)),
  p95: median(ratios.map((r) => r.p95)),
};
const c = contention();
const cores = detectCores().cores;
const loadAfter = loadavg();
const lines = [
  ...ratios.map((r) => `pair ${r.pair}: MCP / HTTP throughput ${r.throughput.toFixed(3)}, p50 ${r.p50.toFixed(3)}, p95 ${r.p95.toFixed(3)}`),
  `median over ${pairs} pair(s): MCP / HTTP throughput ${summary.throughput.toFixed(3)}, p50 ${summary.p50.toFixed(3)}, p95 ${summary.p95.toFixed(3)} (session ${values.session}, ${values.connections} connections, ${values.duration} per run)`,
  `load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')} before, ${loadAfter.map((x) => x.toFixed(1)).join(' ')} after`,
  contentionLine(c, cores),
];
await writeFileAtomic(OUT, `${JSON.stringify({ model: values.model, session: values.session, connections: Number(values.connections), duration: values.duration, runs, ratios, summary, loadBefore, loadAfter, contention: c }, null, 2)}\n`);
process.stdout.write(`${lines.join('\n')}\nwritten to ${OUT}\n`);
