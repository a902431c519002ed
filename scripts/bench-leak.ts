// npm run bench:leak: how often the memory suite's leak verdict is right, at the suite's default
// length (suites/memory.yaml's memory block, over HTTP). Each run starts a fresh server by hand,
// without the heap probe (so the verdict is judged on raw RSS and anonymous memory, the harder
// case), runs the suite against it through the CLI, and stops the server:
//   - clean: the misbehaving test server with no leak (--leak-kb 0); goal: at most 1 false alarm in 20;
//   - leak:  the same server keeping 4 KiB per request (--leak-kb 4); goal: detected in at least 19 of 20;
//   - serve: `embedgate serve` on the candidate fixture, no leak (with --serve); a false-alarm count.
// Scenarios are interleaved run by run, so a change in the machine's load touches all of them.
// Inconclusive runs are counted apart: they are neither passes nor detections.
// Flags: --runs N (per scenario, default 20), --serve (add the serve scenario), --only LIST (e.g.
// --only serve), --out FILE (default reports/bench/leak.json).
// CPU-heavy: about 17 s a run against the test server, so 40 runs take about 12 minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { median } from '../harness/metrics/statistics.ts';
import { REPO_ROOT, SUITES_DIR } from '../harness/paths.ts';
import type { RunReport } from '../harness/result.ts';
import { writeFileAtomicSync } from '../harness/write-atomic.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, serve: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`bench-leak: --runs ${values.runs}: expected a whole number of runs, 1 or more`);
const OUT = values.out ?? join(REPO_ROOT, 'reports', 'bench', 'leak.json');
const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');
const SERVER = join(REPO_ROOT, 'harness', 'http-client', 'testing', 'misbehaving-server.ts');

/** The environment of a server "started by hand": no heap probe preloaded, whatever this shell has. */
const handEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.EMBEDGATE_HEAP_PROBE_DIR;
  delete env.EMBEDGATE_HEAP_PROBE_GC_MS;
  return env;
};

interface Scenario {
  name: 'clean' | 'leak' | 'serve';
  leaks: boolean;
  start: () => Promise<{ url: string; child: ChildProcess }>;
}

function startAndRead(args: string[], pattern: RegExp): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: handEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let text = '';
    const read = (c: Buffer) => {
      text += c.toString();
      const m = pattern.exec(text);
      if (m) resolve({ url: m[1]!, child });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('close', (code) => reject(new Error(`bench-leak: ${args.join(' ')} exited with ${code} before listening:\n${text}`)));
  });
}

async function healthy(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`bench-leak: ${url}/health did not answer 200 within 120 s`);
}

const toyServer = (leakKb: number) => () => startAndRead(['--import', 'tsx', SERVER, '--lanes', '4', '--leak-kb', String(leakKb)], /listening on (\S+)/);
const all: Scenario[] = [
  { name: 'clean', leaks: false, start: toyServer(0) },
  { name: 'leak', leaks: true, start: toyServer(4) },
  ...(values.serve || values.only?.includes('serve')
    ? [{ name: 'serve' as const, leaks: false, start: async () => {
        const s = await startAndRead([BIN, 'serve', '--model', 'candidate', '--port', '0', '--cache-mb', '0'], /listening on (http:\/\/\S+)/);
        await healthy(s.url);
        return s;
      } }]
    : []),
];
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((n) => !['clean', 'leak', 'serve'].includes(n)) ?? [];
if (unknown.length) throw new Error(`bench-leak: --only ${values.only}: unknown scenario ${unknown.join(', ')}; expected clean, leak or serve`);
const scenarios = only ? all.filter((s) => only.includes(s.name)) : all;

/** suites/memory.yaml's memory block, over HTTP only: the suite's default length. */
const suiteMemory = (parse(readFileSync(join(SUITES_DIR, 'memory.yaml'), 'utf8')) as { memory: Record<string, unknown> }).memory;
const work = mkdtempSync(join(tmpdir(), 'embedgate-bench-leak-'));

interface Outcome {
  scenario: Scenario['name'];
  run: number;
  call: 'leak' | 'no leak' | 'inconclusive' | 'error';
  slope?: number;
  ciLow?: number;
  tail?: number;
  requests?: number;
  windows?: number;
  reason?: string;
}

async function once(s: Scenario, run: number): Promise<Outcome> {
  const { url, child } = await s.start();
  try {
    const file = join(work, `${s.name}-${run}.yaml`);
    const memory = { ...suiteMemory, modes: ['http'] };
    writeFileSync(file, `suite: leak-${s.name}\nkind: memory\ntarget: { http: ${url} }\nmemory: ${JSON.stringify(memory)}\nchecks:\n  - leak.suspected == 0\n`);
    const out = join(work, `out-${s.name}-${run}`);
    const code = await new Promise<number | null>((resolve) => {
      const c = spawn(process.execPath, [BIN, 'run', file, '--out', out, '--reporter', 'json'], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
      c.on('close', resolve);
    });
    const dir = readdirSync(out)[0];
    if (dir === undefined) return { scenario: s.name, run, call: 'error', reason: `embedgate run exited ${code} without a report` };
    const suite = (JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8')) as RunReport).suites[0]!;
    rmSync(out, { recursive: true, force: true });
    const m = (name: string) => suite.metrics[name]?.value;
    const check = suite.checks.find((c) => c.source === 'leak.suspected == 0');
    const call = check?.status === 'fail' ? 'leak' : check?.status === 'pass' ? 'no leak' : 'inconclusive';
    const detail = (suite.details?.['modes'] as { leaks?: { anon?: { reason?: string } } }[] | undefined)?.[0]?.leaks?.anon?.reason;
    const optional = (k: keyof Outcome, v: number | string | undefined) => (v === undefined ? {} : { [k]: v });
    return {
      scenario: s.name,
      run,
      call,
      ...optional('slope', m('http.leak.anon.slope')),
      ...optional('ciLow', m('http.leak.anon.slope.ci_low')),
      ...optional('tail', m('http.leak.anon.slope.tail')),
      ...optional('requests', m('http.requests')),
      ...optional('windows', m('http.leak.windows')),
      ...optional('reason', detail ?? check?.detail),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

const outcomes: Outcome[] = [];
const started = Date.now();
for (let run = 1; run <= RUNS; run++) {
  for (const s of scenarios) {
    const o = await once(s, run);
    outcomes.push(o);
    const fig = (v?: number) => (v === undefined ? '-' : `${Math.round(v)} B`);
    console.log(`run ${run}/${RUNS} ${s.name.padEnd(5)} ${o.call.padEnd(12)} slope ${fig(o.slope)} [low ${fig(o.ciLow)}], last third ${fig(o.tail)}, ${o.requests ?? '-'} requests, ${o.windows ?? '-'} windows  (${Math.round((Date.now() - started) / 1000)} s)`);
    if (o.call === 'leak' && !s.leaks) console.log(`  false alarm: ${o.reason}`);
    if (o.call !== 'leak' && s.leaks) console.log(`  missed: ${o.reason}`);
  }
}
rmSync(work, { recursive: true, force: true });

console.log(`\nleak verdict at the memory suite's default length (warmup ${String(suiteMemory['warmup'])}, iterations ${String(suiteMemory['iterations'])}, over HTTP, servers started by hand without the heap probe):`);
const summary = scenarios.map((s) => {
  const mine = outcomes.filter((o) => o.scenario === s.name);
  const count = (c: Outcome['call']) => mine.filter((o) => o.call === c).length;
  const slopes = mine.flatMap((o) => (o.slope === undefined ? [] : [o.slope]));
  const row = { scenario: s.name, runs: mine.length, leak: count('leak'), noLeak: count('no leak'), inconclusive: count('inconclusive'), error: count('error'), medianSlope: Math.round(median(slopes)) };
  const goal = s.leaks ? `detected ${row.leak} of ${row.runs} (goal ≥ 19 in 20)` : `false alarms ${row.leak} of ${row.runs} (goal ≤ 1 in 20)`;
  console.log(`  ${s.name.padEnd(5)} ${goal}; no leak ${row.noLeak}, inconclusive ${row.inconclusive}, errors ${row.error}; median slope ${row.medianSlope} B/request`);
  return row;
});
mkdirSync(dirname(OUT), { recursive: true });
writeFileAtomicSync(OUT, `${JSON.stringify({ runs: RUNS, memory: suiteMemory, summary, outcomes, seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
console.log(`wrote ${OUT}`);
