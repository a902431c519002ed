// npm run bench:soak: does the harness's own memory stay flat over a long soak?
//   - compressed (default): 86,400 windows (a day of 1 s windows) through the run loop's window
//     path with no load behind them: the soak kind's per-window figures (accumulate.ts, with a real
//     HDR histogram of 200 latencies encoded per window), ctx.window (the window checks of
//     suites/soak.yaml judged on each), events.jsonl appended, and every reporter (console, json,
//     junit, markdown, html) fed each window and writing its report at the end. A stand-in kind
//     replaces the runner's load and target readings; everything after them is the real code.
//     The harness's RSS is read every 1,000 windows; growth = last reading − the one after the
//     first 1,000 (start-up and JIT are not growth). Goal: under 10 MB.
//   - --real 2h (any duration): `embedgate run suites/soak.yaml --duration 2h` for real, against the
//     candidate fixture, and its own figures (harness.rss.first, .peak, .growth) read from the report.
// Flags: --windows N (compressed, default 86400), --real DURATION, --out FILE (default
// reports/bench/soak.json); to see where memory goes: --reporters LIST ('' for none), --no-window-checks.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSuite } from '../harness/config/load.ts';
import { formatBytes } from '../harness/format.ts';
import type { PhaseResult } from '../harness/http-client/phase.ts';
import { defineKind } from '../harness/kinds/kind.ts';
import { KINDS } from '../harness/kinds/registry.ts';
import type { RunnerContext, RunnerOutput } from '../harness/kinds/runner.ts';
import { SoakAccumulator } from '../harness/kinds/soak/accumulate.ts';
import type { WindowTargetReading } from '../harness/kinds/soak/target-probe.ts';
import { LatencyHistogram } from '../harness/metrics/latency.ts';
import { REPO_ROOT, SUITES_DIR } from '../harness/paths.ts';
import { resolveReporters } from '../harness/report/registry.ts';
import type { RunReport } from '../harness/result.ts';
import { runPlan } from '../harness/run.ts';
import type { TargetPool } from '../harness/targets/open.ts';
import type { Target } from '../harness/targets/target.ts';
import { writeFileAtomicSync } from '../harness/write-atomic.ts';

const { values } = parseArgs({ options: { windows: { type: 'string', default: '86400' }, real: { type: 'string' }, out: { type: 'string' }, reporters: { type: 'string', default: 'json,junit,markdown,html' }, 'no-window-checks': { type: 'boolean', default: false } } });
const OUT = values.out ?? join(REPO_ROOT, 'reports', 'bench', 'soak.json');
const SUITE = join(SUITES_DIR, 'soak.yaml');
const GOAL_BYTES = 10 * 1024 * 1024;

/** A window's load as the stream would report it: a steady 50/s, 200 latencies around 20 ms. */
function fakePhase(i: number, rng: () => number): PhaseResult {
  const latency = new LatencyHistogram();
  for (let k = 0; k < 200; k++) latency.recordMs(10 + 20 * rng() + (k === 0 ? 30 * rng() : 0));
  const sent = 50;
  return {
    name: `window ${i}`, connections: 8, rate: 50, wallMs: 1000, requests: sent, sent, answered: sent, late: 0, graceMs: 0, ok: sent, throughputRps: sent, offeredRps: sent,
    latency, corrected: latency, statusCodes: { '200': sent }, errors: { status: 0, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0 },
    rejected: 0, rejectedWithoutRetryAfter: 0, checked: sent, invalid: { total: 0, byReason: {} }, checkMs: 1, generator: { cpuCores: 0.1, eventLoopUtilization: 0.1, saturated: false }, nextIndex: i * sent,
  };
}

function fakeTarget(i: number, rng: () => number): WindowTargetReading {
  const y = 200e6 + 1e6 * rng();
  const pt = { x: i * 50, y, n: 2 };
  return { memory: { rss: y + 50e6, anon: y, file: 30e6, heap: 40e6, raw: { anon: pt, heap: { ...pt, y: 40e6 } }, afterGc: { anon: pt, heap: { ...pt, y: 40e6 } } }, cache: { hits: 14, repeats: 15 }, restarts: 0, exited: false, oom: 0 };
}

interface RssPoint {
  windows: number;
  /** As the process has it. */
  rss: number;
  /** After a forced full GC (node --expose-gc): what is retained, not garbage not yet collected. */
  rssAfterGc?: number;
  heapUsed: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function reading(windows: number): RssPoint {
  const rss = process.memoryUsage.rss();
  if (!gc) return { windows, rss, heapUsed: process.memoryUsage().heapUsed };
  gc();
  const m = process.memoryUsage();
  return { windows, rss, rssAfterGc: m.rss, heapUsed: m.heapUsed };
}

async function compressed(windows: number): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'embedgate-bench-soak-'));
  const loaded = loadSuite(SUITE, { overrides: {}, env: process.env });
  if (!loaded.ok) throw new Error(`bench-soak: ${SUITE} does not load: ${JSON.stringify(loaded.errors)}`);
  // --no-window-checks: the suite's checks over windows left out, to see what judging them costs.
  const plan = values['no-window-checks'] ? { ...loaded.plan, checks: loaded.plan.checks.filter((c) => !c.window) } : loaded.plan;
  const curve: RssPoint[] = [];
  let seed = 1;
  const rng = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const runner = async (ctx: RunnerContext): Promise<RunnerOutput> => {
    const acc = new SoakAccumulator();
    for (let i = 1; i <= windows; i++) {
      const result = fakePhase(i, rng);
      const metrics = acc.add({ startMs: (i - 1) * 1000, endMs: i * 1000, result, target: fakeTarget(i, rng), harnessRss: process.memoryUsage.rss(), judged: i > 1 });
      ctx.window({ startMs: (i - 1) * 1000, endMs: i * 1000, metrics, histogram: result.latency.encode() });
      if (i % 1000 === 0) {
        curve.push(reading(i));
        // Let timers and I/O run, as the real run's event loop does between windows.
        await new Promise((r) => setImmediate(r));
      }
    }
    const verdicts = acc.verdicts(1024, 0.95, 6);
    return { metrics: acc.summary({ minWindows: 6, verdicts }).metrics };
  };
  const kinds = { ...KINDS, soak: defineKind({ ...KINDS.soak, runner: async () => runner }) };
  const stub: Target = { describe: () => ({ ref: 'bench:stand-in', kind: 'bench' }), close: async () => {} };
  const targets = { get: async () => stub, closeAll: async () => {} } as unknown as TargetPool;
  const started = performance.now();
  const report = await runPlan({ runId: 'bench-soak', outDir: work, suites: [plan], reporters: values.reporters === '' ? [] : resolveReporters(values.reporters), targets, signal: new AbortController().signal, seed: 1, argv: [], kinds });
  const ms = performance.now() - started;
  curve.push(reading(windows));
  const files = Object.fromEntries(readdirSync(work).map((f) => [f, statSync(join(work, f)).size]));
  rmSync(work, { recursive: true, force: true });
  const base = curve.find((c) => c.windows >= Math.min(1000, windows)) ?? curve[0]!;
  const last = curve.at(-1)!;
  // Judged after forced GCs when the script runs with --expose-gc (npm run bench:soak does): raw RSS
  // also holds garbage V8 has not collected yet, which comes and goes with its heuristics.
  const judged = (c: RssPoint) => c.rssAfterGc ?? c.rss;
  const growth = judged(last) - judged(base);
  const peak = Math.max(...curve.map(judged));
  return {
    mode: 'compressed',
    windows,
    wallMs: Math.round(ms),
    suiteOutcome: report.suites[0]?.outcome,
    rssBasis: gc ? 'after a forced full GC at each reading' : 'raw (run with node --expose-gc to judge after forced GCs)',
    rss: { afterFirst1000: judged(base), last: judged(last), peak, growth, growthAfterFirst1000ToPeak: peak - judged(base), rawFirst: base.rss, rawLast: last.rss, rawPeak: Math.max(...curve.map((c) => c.rss)) },
    heapUsed: { afterFirst1000: base.heapUsed, last: last.heapUsed },
    files,
    goalBytes: GOAL_BYTES,
    pass: growth < GOAL_BYTES && peak - base.rss < GOAL_BYTES,
    curve: curve.filter((_, i) => i % Math.max(1, Math.floor(curve.length / 50)) === 0),
  };
}

async function real(duration: string): Promise<Record<string, unknown>> {
  const work = mkdtempSync(join(tmpdir(), 'embedgate-bench-soak-real-'));
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'embedgate.mjs'), 'run', SUITE, '--duration', duration, '--out', work, '--reporter', 'console,json,html'], { stdio: 'inherit' });
    child.on('close', resolve);
  });
  const dir = readdirSync(work)[0];
  if (!dir) throw new Error(`bench-soak: the run wrote no report (exit ${code})`);
  const report = JSON.parse(readFileSync(join(work, dir, 'report.json'), 'utf8')) as RunReport;
  const m = report.suites[0]?.metrics ?? {};
  const v = (name: string) => m[name]?.value;
  return { mode: 'real', duration, exitCode: code, reportDir: join(work, dir), outcome: report.suites[0]?.outcome, windows: v('windows'), rss: { first: v('harness.rss.first'), peak: v('harness.rss.peak'), growth: v('harness.rss.growth') }, goalBytes: GOAL_BYTES };
}

const result = values.real ? await real(values.real) : await compressed(Number(values.windows));
writeFileAtomicSync(OUT, JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...result }, null, 2) + '\n');
const rss = result['rss'] as Record<string, number | undefined>;
if (result['mode'] === 'compressed') {
  process.stdout.write(
    `bench:soak compressed: ${result['windows']} windows in ${((result['wallMs'] as number) / 1000).toFixed(1)} s; harness RSS (${result['rssBasis']}) ${formatBytes(rss['afterFirst1000']!)} after 1,000 windows, ${formatBytes(rss['last']!)} at the end (growth ${formatBytes(rss['growth']!)}, peak +${formatBytes(rss['growthAfterFirst1000ToPeak']!)}; raw ${formatBytes(rss['rawFirst']!)} → ${formatBytes(rss['rawLast']!)}, peak ${formatBytes(rss['rawPeak']!)}); goal < ${formatBytes(GOAL_BYTES)}: ${result['pass'] ? 'met' : 'NOT met'}\n` +
      `  events.jsonl ${formatBytes((result['files'] as Record<string, number>)['events.jsonl'] ?? 0)}, report.html ${formatBytes((result['files'] as Record<string, number>)['report.html'] ?? 0)} → ${dirname(OUT)}\n`,
  );
} else {
  process.stdout.write(`bench:soak real ${values.real}: ${result['windows']} windows, harness RSS ${rss['first'] !== undefined ? formatBytes(rss['first']) : '?'} after the first window, growth ${rss['growth'] !== undefined ? formatBytes(rss['growth']) : '?'}, peak ${rss['peak'] !== undefined ? formatBytes(rss['peak']) : '?'}\n`);
}
process.exitCode = result['mode'] === 'compressed' && !result['pass'] ? 1 : 0;
