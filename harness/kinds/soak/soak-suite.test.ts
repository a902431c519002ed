// End to end: soak suites run by the CLI against misbehaving test servers on 127.0.0.1, each a
// process of its own, with windows of a second or two, showing that each of the plan's soak checks
// bites on the target it is meant for:
//   - latency that degrades steadily (--delay-growth) fails the variation check;
//   - a server that keeps 32 KB a request (--leak-kb) fails the growth check, and the same server
//     without the leak passes it;
//   - a server that dies under load (--die-after) stops the suite with fail in the window it died;
//   - SIGTERM writes the report with every window so far, marked interrupted; after SIGKILL
//     `embedgate report DIR` rebuilds it, skipping a half-written last line with a warning.
// This proves the checks bite; it measures no speed.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowEvent } from '../../events.ts';
import { spawnMisbehavingServer } from '../../http-client/testing/processes.ts';
import { heapProbeEnv } from '../../probes/heap-probe-env.ts';
import type { RunReport, SuiteResult } from '../../result.ts';
import { BIN, runCli } from '../../testing/run-cli.ts';

const children: ChildProcess[] = [];
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-soak-'));
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const CHECKS = `checks:
  - check: target.exited == 0
    over: windows
    abortOnFail: true
  - check: errors.rate < 100%
    over: windows
    abortOnFail: true
  - latency.p95.cv < 10%
  - availability > 99.9%
  - leak.suspected == 0
  - errors.rate < 1%
`;

function suite(name: string, url: string, soak: string): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, `suite: ${name}\nkind: soak\ntarget: { http: ${url} }\nsoak:\n${soak}\n${CHECKS}`);
  return file;
}

const status = (s: SuiteResult) => Object.fromEntries(s.checks.map((c) => [c.source, c.status]));
const windowsOf = (events: string) =>
  events
    .split('\n')
    .filter((l) => l.includes('"type":"window"'))
    .map((l) => JSON.parse(l) as WindowEvent);

async function run(file: string): Promise<{ code: number | null; output: string; report: RunReport; windows: WindowEvent[] }> {
  const ran = await runCli(['run', file], { outUnder: work });
  if (!ran.report) throw new Error(`no report.json written:\n${ran.output}`);
  return { code: ran.code, output: ran.output, report: ran.report, windows: windowsOf(ran.events) };
}

/** A heap-probed server: its memory is judged after forced GCs, as embedgate serve's is. */
const probed = () => heapProbeEnv(mkdtempSync(join(work, 'heap-')), process.env, 250);

describe('soak suites', () => {
  it('fail the latency-variation check on a server whose latency degrades steadily', async () => {
    const url = await spawnMisbehavingServer(['--lanes', '16', '--delay-ms', '2', '--delay-growth', '4'], children);
    const { code, output, report, windows } = await run(suite('degrading', url, '  duration: 10s\n  window: 1s\n  load: { rate: 60, connections: 8, capacity: 500ms, warmup: 0s }'));
    const s = report.suites[0]!;
    expect(status(s)['latency.p95.cv < 10%'], output).toBe('fail');
    expect(s.metrics['latency.p95.cv']!.value).toBeGreaterThan(0.1);
    // Every window went to events.jsonl with the agreed metrics and its histogram.
    expect(windows.length).toBe(s.metrics['windows']!.value);
    for (const name of ['requests.sent', 'throughput.rps', 'latency.p50', 'latency.p95', 'latency.p99', 'errors.rate', 'errors.lost', 'errors.unanswered', 'responses.invalid', 'memory.rss', 'harness.rss', 'target.exited']) {
      expect(windows[1]!.metrics[name], name).toBeDefined();
    }
    expect(windows[1]!.histogram).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(code).toBe(1);
  }, 90_000);

  it('fail the growth check on a server that leaks, and pass it on the same server without the leak', async () => {
    // 10 windows of 2 s: on a starved machine windows start late and fewer fit, and the verdict needs 6 after the first.
    const soak = '  duration: 20s\n  window: 2s\n  load: { rate: 100, connections: 8, capacity: 500ms, warmup: 0s }\n  memory: { interval: 200ms }';
    const [leaky, clean] = await Promise.all([
      spawnMisbehavingServer(['--lanes', '16', '--delay-ms', '2', '--leak-kb', '32'], children, probed()),
      spawnMisbehavingServer(['--lanes', '16', '--delay-ms', '2'], children, probed()),
    ]);
    const [leaking, flat] = await Promise.all([run(suite('leaking', leaky, soak)), run(suite('flat', clean, soak))]);
    const l = leaking.report.suites[0]!;
    expect(status(l)['leak.suspected == 0'], leaking.output).toBe('fail');
    expect(l.metrics['leak.heap.slope.ci_low']!.value).toBeGreaterThan(1024);
    expect(status(flat.report.suites[0]!)['leak.suspected == 0'], flat.output).toBe('pass');
  }, 120_000);

  it('stop with fail in the window in which the server died', async () => {
    const url = await spawnMisbehavingServer(['--lanes', '2', '--delay-ms', '10', '--die-after', '500'], children);
    const { code, output, report, windows } = await run(suite('dying', url, '  duration: 60s\n  window: 2s\n  load: { rate: 50, connections: 2, capacity: 500ms, warmup: 0s }'));
    const s = report.suites[0]!;
    expect(s.outcome, output).toBe('fail');
    expect(s.stoppedEarly, output).toBeDefined();
    // The first window with a failed request is the one the server died in: the suite stopped there.
    const died = windows.find((w) => (w.metrics['errors.total']?.value ?? 0) > 0)!;
    expect(died).toBeDefined();
    expect(s.stoppedEarly!.window).toBe(died.index);
    expect(windows.length).toBeLessThan(30);
    expect(code).toBe(1);
  }, 90_000);
});

describe('an interrupted soak', () => {
  /** Starts `embedgate run FILE --out DIR` and resolves once `windows` windows are in events.jsonl. */
  async function startUntilWindows(file: string, out: string, windows: number): Promise<{ child: ChildProcess; dir: string; exited: Promise<number | null>; stderr: () => string }> {
    const child = spawn(process.execPath, [BIN, 'run', file, '--out', out, '--reporter', 'json,html'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      const name = existsSync(out) ? readdirSync(out)[0] : undefined;
      const log = name ? join(out, name, 'events.jsonl') : undefined;
      if (log && existsSync(log) && windowsOf(readFileSync(log, 'utf8')).length >= windows) return { child, dir: join(out, name!), exited, stderr: () => stderr };
      if (child.exitCode !== null) throw new Error(`the run ended before ${windows} windows:\n${stderr}`);
    }
  }

  it('writes the report on SIGTERM with every window so far, and after SIGKILL embedgate report rebuilds it, skipping a torn last line', async () => {
    const url = await spawnMisbehavingServer(['--lanes', '8', '--delay-ms', '2'], children);
    const file = suite('interrupted', url, '  duration: 5m\n  window: 1s\n  load: { rate: 40, connections: 4, capacity: 500ms, warmup: 0s }');

    const term = await startUntilWindows(file, mkdtempSync(join(work, 'term-')), 3);
    term.child.kill('SIGTERM');
    expect(await term.exited, term.stderr()).toBe(3);
    const report = JSON.parse(readFileSync(join(term.dir, 'report.json'), 'utf8')) as RunReport;
    const logged = windowsOf(readFileSync(join(term.dir, 'events.jsonl'), 'utf8'));
    expect(report.status).toBe('interrupted');
    const s = report.suites[0]!;
    expect(s.outcome).toBe('inconclusive');
    expect(logged.length).toBeGreaterThanOrEqual(3);
    // The window checks were judged on every window that closed, the last cut one aside.
    const exited = s.checks.find((c) => c.source === 'target.exited == 0')!;
    expect(exited.windows!.closed).toBe(logged.filter((w) => !w.exempt).length);
    expect(existsSync(join(term.dir, 'report.html'))).toBe(true);

    const kill = await startUntilWindows(file, mkdtempSync(join(work, 'kill-')), 3);
    kill.child.kill('SIGKILL');
    await kill.exited;
    expect(existsSync(join(kill.dir, 'report.json'))).toBe(false);
    appendFileSync(join(kill.dir, 'events.jsonl'), '{"type":"window","suite":"interrupted","index":99,"sta');
    const rebuilt = await runCli(['report', kill.dir]);
    expect(rebuilt.stderr).toMatch(/ignoring an incomplete last line/);
    expect(rebuilt.code, rebuilt.output).toBe(3);
    const again = JSON.parse(readFileSync(join(kill.dir, 'report.json'), 'utf8')) as RunReport;
    expect(again.status).toBe('interrupted');
    const judged = again.suites[0]!.checks.find((c) => c.source === 'target.exited == 0')!;
    expect(judged.windows!.closed).toBe(windowsOf(readFileSync(join(kill.dir, 'events.jsonl'), 'utf8').split('\n').slice(0, -1).join('\n')).length);
  }, 120_000);
});
