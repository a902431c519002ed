// End to end, the faults fault-suite.test.ts does not cover, each with a target that survives it
// (the suite passes) and one that does not (the suite fails):
//   - a 503 burst through the fault proxy: embedgate serve recovers when the burst ends; behind a
//     second proxy that keeps answering 503 after it (the test arms it when the fault starts), the
//     burst never ends for the client and the suite fails on recovery;
//   - a model file damaged at a restart: embedgate serve refuses it (circuit open, /health naming
//     the file) and recovers once it is back; a server that gives up on a refused file for good
//     (a test-only switch) never recovers and fails;
//   - a golden file deleted after the run started: that suite ends in error naming the file, the
//     suites after it still run, and the report is written.
// Real servers on 127.0.0.1 and real CLI runs; short faults: this proves the checks bite.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../faults/proxy/index.ts';
import { ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import type { RunReport, SuiteResult } from '../../result.ts';
import { ServeProcess } from '../../targets/gguf/serve-process.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'embedgate.mjs');

interface Run {
  code: number | null;
  output: string;
  report: RunReport;
}

/** Runs the CLI; `onEvent` hears each events.jsonl line as the run writes it. */
function run(files: string[], opts: { env?: NodeJS.ProcessEnv; onEvent?: (e: Record<string, unknown>) => void } = {}): Promise<Run> {
  const out = mkdtempSync(join(work, 'out-'));
  const child = spawn(process.execPath, [BIN, 'run', ...files, '--out', out], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  let seen = 0;
  const tail = setInterval(() => {
    const dir = readdirSync(out)[0];
    if (!dir || !opts.onEvent || !existsSync(join(out, dir, 'events.jsonl'))) return;
    const lines = readFileSync(join(out, dir, 'events.jsonl'), 'utf8').split('\n');
    for (; seen < lines.length - 1; seen++) opts.onEvent(JSON.parse(lines[seen]!) as Record<string, unknown>);
  }, 50);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(tail);
      const dir = readdirSync(out).find((d) => existsSync(join(out, d, 'report.json')));
      resolve({ code, output, report: JSON.parse(readFileSync(join(out, dir!, 'report.json'), 'utf8')) as RunReport });
    }),
  );
}

const LOAD = 'load: { share: 0.3, connections: 8, capacity: 1s, warmup: 500ms, window: 1s }';

function faultSuite(name: string, target: string, extra: string, faults: string, checks = ''): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, `suite: ${name}\nkind: fault\ntarget: ${target}\nfault:\n  ${LOAD}\n  after: 2s\n${extra}  faults:\n${faults}\nchecks:\n  - check: errors.rate < 1%\n    over: windows\n  - faults.not_injected == 0\n  - faults.unrecovered == 0\n${checks}`);
  return file;
}

const status = (s: SuiteResult) => Object.fromEntries(s.checks.map((c) => [c.source, c.status]));
const value = (s: SuiteResult, name: string) => s.metrics[name]?.value;
type Journal = { run: { output: { did?: string; detectedBy?: string; recovered?: boolean } }[] };
const journal = (s: SuiteResult) => (s.details as { journal: Journal }).journal;

let work: string;
let serve: ServeProcess;
let stuck: FaultProxy;
let golden: string;
let network: Run;
let restored: Run;
let neverBack: Run;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-fault-survival-'));
  const model = (await ensureFixtureModels()).baseline!.path;
  serve = await ServeProcess.start({ model, contexts: 1, threads: 1 });
  stuck = await startFaultProxy({ upstream: serve.url, seed: 3 });
  golden = join(work, 'golden.json');
  copyFileSync(join(ROOT, 'fixtures/golden/baseline.json'), golden);
  writeFileSync(join(work, 'golden-gone.yaml'), `suite: golden-gone\nkind: accuracy\ntarget: { http: ${serve.url} }\naccuracy:\n  golden: golden.json\nchecks:\n  - cosine.min >= 0.999\n`);

  const burst = '    - { name: burst, type: network, start: 2s, duration: 2s, toxics: [{ type: http_5xx, attributes: { status: 503, retryAfter: 1 } }] }';
  const networkFiles = [
    faultSuite('burst-survived', `{ http: ${serve.url} }`, '  recoveryLimit: 10s\n', burst, '  - detection.max <= 5s\n'),
    join(work, 'golden-gone.yaml'),
    faultSuite('burst-never-ends', `{ http: ${stuck.url} }`, '  recoveryLimit: 5s\n', burst),
  ];
  const damaged = (limit: string) => `  recoveryLimit: ${limit}\n  cooldown: 1s\n`;
  const corrupt = '    - { name: truncated, type: corrupt-model, start: 2s, duration: 2s }';
  // The network run first: a model loading beside it would starve the shared server on 2 cores.
  network = await run(networkFiles, {
    onEvent: (e) => {
      // The golden file disappears once the run has started (and its plan was checked).
      if (e['type'] === 'suite-start' && e['suite'] === 'burst-survived') rmSync(golden, { force: true });
      // The second proxy starts failing with the suite's burst, and never stops.
      if (e['type'] === 'log' && e['suite'] === 'burst-never-ends' && /^fault burst \(network\) at/.test(String(e['message']))) stuck.set([{ type: 'http_5xx', attributes: { status: 503 } }]);
    },
  });
  [restored, neverBack] = await Promise.all([
    run([faultSuite('model-restored', `{ gguf: ${model} }`, damaged('60s'), corrupt, '  - faults.detected == 1\n')]),
    run([faultSuite('model-never-back', `{ gguf: ${model} }`, damaged('8s'), corrupt)], { env: { EMBEDGATE_TEST_REFUSED_FILE_IS_FINAL: '1' } }),
  ]);
}, 300_000);

afterAll(async () => {
  await stuck?.close();
  await serve?.stop();
  if (!process.env['EMBEDGATE_KEEP_TEST_DIR']) rmSync(work, { recursive: true, force: true });
});

describe('network faults', () => {
  it('a 503 burst is detected and survived when it ends', () => {
    const s = network.report.suites.find((x) => x.name === 'burst-survived')!;
    expect(s.outcome, network.output).toBe('pass');
    expect(value(s, 'faults.recovered')).toBe(1);
    expect(value(s, 'fault.errors.total')).toBeGreaterThan(0);
    expect(value(s, 'responses.invalid')).toBe(0);
  });

  it('a target whose 503 burst never ends fails recovery', () => {
    const s = network.report.suites.find((x) => x.name === 'burst-never-ends')!;
    expect(s.outcome, network.output).toBe('fail');
    expect(status(s)['faults.unrecovered == 0']).toBe('fail');
    expect(journal(s).run[0]!.output.recovered).toBe(false);
  });
});

describe('a golden file missing mid-run', () => {
  it('ends its suite in error naming the file; the other suites run and the report is written', () => {
    const s = network.report.suites.find((x) => x.name === 'golden-gone')!;
    expect(s.outcome).toBe('error');
    expect(s.reason).toContain(golden);
    expect(s.reason).toMatch(/file not found/);
    expect(network.report.suites.map((x) => x.name)).toEqual(['burst-survived', 'golden-gone', 'burst-never-ends']);
    expect(network.code).not.toBe(0);
  });
});

describe('a model file damaged at a restart', () => {
  it('is refused by the preflight naming the file, the circuit opens, and the service recovers once the file is back', () => {
    const s = restored.report.suites[0]!;
    expect(s.outcome, restored.output + JSON.stringify(journal(s))).toBe('pass');
    const did = journal(s).run[0]!.output.did!;
    expect(did).toMatch(/\/health circuit-open: cannot load model \S+baseline\.gguf: .*truncated/);
    expect(did).not.toContain(join(ROOT, 'fixtures'));
    expect(value(s, 'faults.recovered')).toBe(1);
  });

  it('fails when the server gives up on the refused file for good', () => {
    const s = neverBack.report.suites[0]!;
    expect(s.outcome, neverBack.output).toBe('fail');
    expect(status(s)['faults.unrecovered == 0']).toBe('fail');
    // /health says failed for good (its lastCrash is still the SIGKILL that led to the restart).
    expect(journal(s).run[0]!.output.did).toMatch(/\/health failed: /);
  });
});
