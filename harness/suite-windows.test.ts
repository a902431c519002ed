// Checks over windows through the real run loop: a test kind whose runner embeds through a real
// HTTP target on loopback and reports scripted windows, so each test decides which window fails.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConfigErrors } from './config/errors.ts';
import { loadSuite } from './config/suite.ts';
import type { HarnessEvent, WindowEvent } from './events.ts';
import { KINDS_WITH_WINDOWED } from './gates/testing/windowed-kind.ts';
import { rebuildReport, KILLED_REASON } from './report/rebuild.ts';
import type { Reporter } from './report/reporter.ts';
import { runPlan } from './run.ts';
import { TargetPool } from './targets/open.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'embedgate-windows-'));
let server: Server;
let url = '';

beforeAll(async () => {
  // The smallest OpenAI-compatible embedder: one model, a fixed unit vector per input.
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/models') return res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const input = (JSON.parse(body) as { input: string[] }).input;
      const data = input.map((_, index) => ({ object: 'embedding', index, embedding: [0.6, 0.8] }));
      res.end(JSON.stringify({ object: 'list', data, model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

let n = 0;
/** Loads a windowed suite with these p95s and checks, runs it, and returns the report, events and onWindow calls. */
async function run(p95: number[], checks: string) {
  const name = `windowed-${++n}`;
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `suite: ${name}\nkind: windowed\ntarget: { http: "${url}" }\nwindowed: { p95: [${p95.join(', ')}] }\nchecks:\n${checks}`);
  const loaded = loadSuite(file, { env: {}, kinds: KINDS_WITH_WINDOWED });
  if (!loaded.ok) throw new Error(formatConfigErrors(loaded.errors));
  const outDir = path.join(dir, name);
  const seen: WindowEvent[] = [];
  const recorder: Reporter = { name: 'recorder', onWindow: (e) => void seen.push(e) };
  const targets = new TargetPool({ env: {} });
  try {
    const report = await runPlan({
      runId: name,
      outDir,
      suites: [loaded.plan],
      reporters: [recorder],
      targets,
      signal: new AbortController().signal,
      seed: 1,
      argv: [],
      kinds: KINDS_WITH_WINDOWED,
    });
    const events = readFileSync(path.join(outDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as HarnessEvent);
    return { report, suite: report.suites[0]!, events, windows: events.filter((e): e is WindowEvent => e.type === 'window'), seen };
  } finally {
    await targets.closeAll();
  }
}

const P95_CHECK = (extra = '') => `  - windows.emitted >= 0\n  - check: latency.p95 <= 2s\n    over: windows\n${extra}`;

describe('checks over windows in a run', () => {
  it('abortOnFail: window 3 fails, the suite stops there and fails, naming the check and the window', async () => {
    const { report, suite, windows, seen } = await run([1000, 1500, 2500, 1000, 1000, 1000], P95_CHECK('    abortOnFail: true\n'));
    expect(report.exitCode).toBe(1);
    expect(suite.outcome).toBe('fail');
    expect(suite.reason).toBe('stopped early: window 3 (2 s–3 s) failed latency.p95 <= 2s (latency.p95 2.5 s <= 2s)');
    expect(suite.stoppedEarly).toEqual({ check: 'latency.p95 <= 2s', window: 3, atMs: 3000 });
    // The runner saw the aborted signal and reported no window after the third.
    expect(suite.metrics['windows.emitted']!.value).toBe(3);
    const [plain, p95] = suite.checks;
    expect(plain).toMatchObject({ status: 'inconclusive', detail: 'not judged: the suite stopped early, at window 3' });
    expect(p95).toMatchObject({ status: 'fail', windows: { closed: 3, failed: 1, aborted: true, firstFailure: { index: 3, left: 2500 } } });
    // events.jsonl holds each window with its verdicts, as the reporters saw it.
    expect(windows.map((w) => [w.index, w.checks?.[0]?.status])).toEqual([[1, 'pass'], [2, 'pass'], [3, 'fail']]);
    expect(seen.map((w) => w.index)).toEqual([1, 2, 3]);
  });

  it('without abortOnFail the suite runs to its end and fails on window 3', async () => {
    const { suite, windows } = await run([1000, 1500, 2500, 1000, 1000, 1000], P95_CHECK());
    expect(suite.outcome).toBe('fail');
    expect(suite.stoppedEarly).toBeUndefined();
    expect(suite.metrics['windows.emitted']!.value).toBe(6);
    expect(windows).toHaveLength(6);
    expect(suite.checks[0]!.status).toBe('pass');
    expect(suite.checks[1]).toMatchObject({ status: 'fail', windows: { closed: 6, failed: 1, firstFailure: { index: 3 } } });
    expect(suite.checks[1]!.detail).toMatch(/^window 3 \(2 s–3 s\) failed: latency\.p95 2\.5 s <= 2s; 1 of 6 windows failed$/);
  });

  it('no window at all: the check, and so the suite, is inconclusive', async () => {
    const { report, suite } = await run([], P95_CHECK());
    expect(suite.outcome).toBe('inconclusive');
    expect(suite.checks[1]).toMatchObject({ status: 'inconclusive', detail: 'no window closed, so the check could not be judged' });
    expect(report.exitCode).toBe(3);
  });

  it('last: N judges only the last N windows, so slow early windows do not fail it', async () => {
    const { suite } = await run([4000, 3000, 1000, 1200], P95_CHECK('    last: 2\n'));
    expect(suite.outcome).toBe('pass');
    expect(suite.checks[1]).toMatchObject({ status: 'pass', windows: { closed: 4, counted: 2, failed: 0 } });
  });

  it('abortGrace: failing windows inside the grace do not stop the suite, a failing window after it does', async () => {
    const inside = await run([3000, 3000, 1000, 1000, 1000], P95_CHECK('    abortOnFail: true\n    abortGrace: 2500ms\n'));
    expect(inside.suite.metrics['windows.emitted']!.value).toBe(5);
    expect(inside.suite.stoppedEarly).toBeUndefined();
    expect(inside.suite.outcome).toBe('fail'); // the failing windows still count
    expect(inside.suite.checks[1]!.windows?.firstFailure?.index).toBe(1);

    const after = await run([3000, 3000, 3000, 1000, 1000], P95_CHECK('    abortOnFail: true\n    abortGrace: 2500ms\n'));
    expect(after.suite.stoppedEarly?.window).toBe(3);
    expect(after.suite.metrics['windows.emitted']!.value).toBe(3);
  });

  it('a log cut before the suite ended rebuilds into an inconclusive suite that still shows its windows', async () => {
    const { events } = await run([1000, 2500, 1000, 1000], P95_CHECK());
    // What SIGKILL after window 2 leaves: everything up to that window, nothing after.
    const cut = events.slice(0, events.findIndex((e) => e.type === 'window' && e.index === 2) + 1);
    const rebuilt = rebuildReport(cut);
    expect(rebuilt.status).toBe('interrupted');
    expect(rebuilt.verdict).toBe('inconclusive');
    const suite = rebuilt.suites[0]!;
    expect(suite).toMatchObject({ outcome: 'inconclusive', reason: KILLED_REASON, kind: 'windowed' });
    expect(suite.checks[0]).toMatchObject({ source: 'windows.emitted >= 0', status: 'inconclusive', detail: `not judged: ${KILLED_REASON}` });
    expect(suite.checks[1]).toMatchObject({ source: 'latency.p95 <= 2s', status: 'fail', windows: { closed: 2, firstFailure: { index: 2 } } });
  });
});
