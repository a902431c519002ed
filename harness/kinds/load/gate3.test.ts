// End to end: a gate of kinds load and memory (gate 3's, fault still missing) pointed through the
// http target at small servers of our own. A slow server must fail the latency check against a
// fast one and nothing else; a leaking server must fail the leak check, with heap snapshots naming
// what it keeps; the same server without the leak must pass. Phases are short: this proves the
// checks bite, it measures no speed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../result.ts';
import { heapProbeEnv } from '../../probes/heap-probe-env.ts';
import { spawnMisbehavingServer } from '../../http-client/testing/processes.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'embedgate.mjs');

const children: ChildProcess[] = [];
let work: string;


function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; report: RunReport; events: string }> {
  const out = mkdtempSync(join(work, 'out-'));
  const child = spawn(process.execPath, [BIN, ...args, '--out', out], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d) => process.env.EMBEDGATE_TEST_DEBUG && process.stderr.write(d));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const dir = readdirSync(out)[0];
      const report = dir === undefined ? undefined : (JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8')) as RunReport);
      const events = dir === undefined ? '' : readFileSync(join(out, dir, 'events.jsonl'), 'utf8');
      resolve({ code, stdout, stderr, report: report!, events });
    }),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-gate3-'));
  const probeDir = mkdtempSync(join(work, 'heap-'));
  const [fast, slow, leaky, tidy] = await Promise.all([
    spawnMisbehavingServer(['--delay-ms', '2', '--lanes', '4'], children),
    spawnMisbehavingServer(['--delay-ms', '25', '--lanes', '1'], children),
    // With the heap probe and its forced GCs, as the memory suite runs embedgate serve (found
    // through the socket): what it keeps survives every GC. The clean server has no probe (raw samples).
    // 16 KB a request: the measured span lasts the memory suite's minDuration (12 s), over 10000 requests here.
    spawnMisbehavingServer(['--leak-kb', '16', '--lanes', '4'], children, heapProbeEnv(probeDir, process.env, 500)),
    spawnMisbehavingServer(['--lanes', '4'], children),
  ]);
  const load = (name: string, target: string, compare: string) => `suite: ${name}
kind: load
target: { http: ${target} }
compare: { http: ${compare} }
load: { phases: [sequential, closed], connections: 16, duration: 1s, warmup: 300ms, rounds: 2, repeatShare: 0 }
checks:
  - latency.p95 <= 2 * baseline.latency.p95
  - errors.rate < 1%
  - baseline.errors.rate < 1%
  - throughput.rps >= 90% * ceiling.throughput.rps
`;
  const memory = (name: string, target: string) => `suite: ${name}
kind: memory
target: { http: ${target} }
memory: { warmup: 1500, iterations: 1500, concurrency: 4, sampleInterval: 25ms, distinctTexts: 32 }
checks:
  - leak.suspected == 0
  - memory.oom == 0
`;
  writeFileSync(join(work, 'load-slow.yaml'), load('load-slow', slow, fast));
  writeFileSync(join(work, 'memory-leaky.yaml'), memory('memory-leaky', leaky));
  writeFileSync(join(work, 'memory-tidy.yaml'), memory('memory-tidy', tidy));
  writeFileSync(join(work, 'gate-3.yaml'), 'gate: 3\ntitle: Load\nneeds: [load, memory, fault]\nsuites: [load-slow.yaml, memory-leaky.yaml, memory-tidy.yaml]\n');
}, 30_000);

afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

describe('gate 3 against misbehaving servers', () => {
  it('fails on the latency check of the slow server and the leak check of the leaking one', async () => {
    const { code, stdout, stderr, report, events } = await run(['run', join(work, 'gate-3.yaml')]);
    expect(code, stdout + stderr).toBe(1);
    expect(report, stderr).toBeDefined();
    expect(report.verdict).toBe('fail');
    expect(report.gate?.missingKinds).toEqual(['fault']);
    const suite = (name: string) => report.suites.find((s) => s.name === name)!;
    const status = (name: string) => Object.fromEntries(suite(name).checks.map((c) => [c.source, c.status]));

    // Slow: fails on latency, not on errors; the http target has no in-process ceiling.
    expect(suite('load-slow').outcome).toBe('fail');
    expect(status('load-slow')).toEqual({
      'latency.p95 <= 2 * baseline.latency.p95': 'fail',
      'errors.rate < 1%': 'pass',
      'baseline.errors.rate < 1%': 'pass',
      'throughput.rps >= 90% * ceiling.throughput.rps': 'inconclusive',
      // Added by default: every answer of the load phases is checked.
      'responses.invalid == 0': 'pass',
      'baseline.responses.invalid == 0': 'pass',
    });
    expect(suite('load-slow').metrics['responses.checked']!.value).toBeGreaterThan(0);
    expect(suite('load-slow').checks.find((c) => c.source.startsWith('throughput'))!.detail).toMatch(/not a gguf target/);
    const slow = suite('load-slow').metrics;
    expect(slow['requests.sent']!.value).toBe(slow['requests.answered']!.value + slow['errors.timeout']!.value + slow['errors.reset']!.value + slow['errors.connection']!.value + slow['errors.lost']!.value + slow['errors.unanswered']!.value);
    const fast = suite('load-slow').baselineMetrics!;
    expect(slow['latency.p95']!.value).toBeGreaterThan(fast['latency.p95']!.value);
    expect(slow['latency.p95.vs_baseline']!.value).toBeGreaterThan(2);
    expect(slow['latency.p99_9']).toBeDefined();
    expect(slow['memory.rss.peak']!.value).toBeGreaterThan(0);

    // Leaky: fails on the leak, with the heap snapshots naming what grows; no OOM.
    expect(suite('memory-leaky').outcome).toBe('fail');
    expect(status('memory-leaky')).toEqual({ 'leak.suspected == 0': 'fail', 'memory.oom == 0': 'pass' });
    const leaky = suite('memory-leaky').metrics;
    expect(leaky['http.leak.heap.slope.ci_low']!.value).toBeGreaterThan(1024);
    const mode = (suite('memory-leaky').details!['modes'] as { snapshots?: { retainers?: { name: string; bytes: number; retainedBy: string[] }[] } }[])[0]!;
    expect(mode.snapshots?.retainers?.length, JSON.stringify(mode.snapshots)).toBeGreaterThan(0);
    expect(mode.snapshots!.retainers![0]!.bytes).toBeGreaterThan(1024 * 1024);
    // The server keeps its leak in a module-level array named `retained`.
    expect(mode.snapshots!.retainers![0]!.retainedBy.join(' ← ')).toMatch(/\.retained\b/);

    // The same server without the leak passes.
    expect(suite('memory-tidy').outcome, JSON.stringify(suite('memory-tidy').details)).toBe('pass');

    // Every memory sample is in events.jsonl as it was taken: the leaky server's after-GC heap
    // there rises, and the load suites' samples name their side.
    const samples = events.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; suite?: string; name?: string; value?: number; attrs?: Record<string, unknown> }).filter((e) => e.type === 'sample');
    const leakyHeap = samples.filter((e) => e.suite === 'memory-leaky' && e.name === 'memory.heap.after_gc').map((e) => e.value!);
    expect(leakyHeap.length).toBeGreaterThan(5);
    expect(leakyHeap.at(-1)!).toBeGreaterThan(leakyHeap[0]! + 1024 * 1024);
    expect(samples.some((e) => e.suite === 'load-slow' && e.name === 'memory.rss' && e.attrs?.side === 'target')).toBe(true);
  }, 240_000);

  // The three servers that passed a load suite before every request was accounted for and every
  // answer checked: silent drops, a server that stops answering, a vector one dimension short.
  it('fails a server that drops connections, one that stops answering, and one that answers wrongly; passes a clean one', async () => {
    // The stopping server answers 8 embeddings (the target's probe and the warm-up's first ones:
    // its 8 connections send at once), so the measured phase gets none however slow the machine;
    // with 40, a loaded machine's 200 ms warm-up left answers over for the measured phase.
    const [dropping, stopping, short, clean] = await Promise.all([
      spawnMisbehavingServer(['--lanes', '4', '--delay-ms', '1', '--drop-share', '0.03'], children),
      spawnMisbehavingServer(['--lanes', '4', '--delay-ms', '1', '--stop-after', '8'], children),
      spawnMisbehavingServer(['--lanes', '4', '--delay-ms', '1', '--short-share', '0.005'], children),
      spawnMisbehavingServer(['--lanes', '4', '--delay-ms', '1'], children),
    ]);
    const suite = (name: string, url: string) => `suite: ${name}
kind: load
target: { http: ${url} }
load: { phases: [closed], connections: 8, duration: 1500ms, warmup: 200ms, rounds: 1, repeatShare: 0.2, requestTimeout: 1s }
checks:
  - errors.rate < 1%
`;
    const files = Object.entries({ dropping, stopping, short, clean }).map(([name, url]) => {
      const file = join(work, `truth-${name}.yaml`);
      writeFileSync(file, suite(`truth-${name}`, url));
      return file;
    });
    const { report, stderr } = await run(['run', ...files]);
    expect(report, stderr).toBeDefined();
    const of = (name: string) => report.suites.find((s) => s.name === `truth-${name}`)!;
    const status = (name: string) => Object.fromEntries(of(name).checks.map((c) => [c.source, c.status]));
    const value = (name: string, metric: string) => of(name).metrics[metric]?.value;
    for (const name of ['dropping', 'stopping', 'short', 'clean']) {
      // sent = answered + every error without an answer, in every suite.
      const lost = ['timeout', 'reset', 'connection', 'lost', 'unanswered'].reduce((a, k) => a + value(name, `errors.${k}`)!, 0);
      expect(value(name, 'requests.sent'), name).toBe(value(name, 'requests.answered')! + lost);
    }

    expect(status('dropping')['errors.rate < 1%']).toBe('fail');
    expect(value('dropping', 'errors.lost')).toBeGreaterThan(0);

    // Nothing answered in the measured phase: the error rate is 1, never 0.
    expect(status('stopping')['errors.rate < 1%']).toBe('fail');
    expect(value('stopping', 'requests.answered')).toBe(0);
    // Held past the request timeout, or still open when the phase's grace ran out.
    expect(value('stopping', 'errors.timeout')! + value('stopping', 'errors.unanswered')!).toBeGreaterThan(0);
    expect(value('stopping', 'errors.rate')).toBe(1);

    expect(status('short')).toEqual({ 'errors.rate < 1%': 'pass', 'responses.invalid == 0': 'fail' });
    expect(value('short', 'responses.invalid.wrong-dimension')).toBeGreaterThan(0);

    expect(of('clean').outcome, JSON.stringify(of('clean').checks)).toBe('pass');
    expect(value('clean', 'responses.checked')).toBe(value('clean', 'requests.answered'));
  }, 120_000);
});
