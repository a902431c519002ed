// End to end: fault suites run by the CLI against real servers on 127.0.0.1, each showing that the
// suite fails when the target does not survive the fault, and passes when it does:
//   - a server that stays down after it is killed (a misbehaving test server nobody restarts);
//   - `embedgate serve` without its cache checksum (a test-only switch) serves corrupted entries,
//     while the real one drops them and serves none;
//   - `embedgate serve` survives its worker's SIGKILL, with detection and recovery times;
//   - with a real Prometheus, the worker-restart alert fires and resolves, and a rules file whose
//     metric does not exist never fires, which fails the suite.
// Windows and faults are short: this proves the checks bite, it measures no speed.
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMisbehavingServer } from '../../http-client/testing/processes.ts';
import { ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import { findPrometheus } from '../../monitoring/prometheus.ts';
import type { RunReport, SuiteResult } from '../../result.ts';
import { ServeProcess } from '../../targets/gguf/serve-process.ts';
import { runCli } from '../../testing/run-cli.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PROMETHEUS = findPrometheus();

const children: ChildProcess[] = [];
const serves: ServeProcess[] = [];
let work: string;


async function run(files: string[]): Promise<{ code: number | null; output: string; report: RunReport }> {
  const ran = await runCli(['run', ...files], { outUnder: work });
  if (!ran.report) throw new Error(`no report.json written:\n${ran.output}`);
  return { code: ran.code, output: ran.output, report: ran.report };
}

const LOAD = 'load: { share: 0.4, connections: 8, capacity: 1s, warmup: 500ms, window: 1s }';

function suite(name: string, target: string, faults: string, extra = '', checks = ''): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `suite: ${name}\nkind: fault\ntarget: { http: ${target} }\nfault:\n  ${LOAD}\n  recoveryLimit: 20s\n  after: 2s\n${extra}  faults:\n${faults}\nchecks:\n  - check: errors.rate < 1%\n    over: windows\n  - faults.unrecovered == 0\n${checks}`,
  );
  return file;
}

const status = (s: SuiteResult) => Object.fromEntries(s.checks.map((c) => [c.source, c.status]));
const value = (s: SuiteResult, name: string) => s.metrics[name]?.value;

let down: string;
let unchecked: ServeProcess;
let checked: ServeProcess;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-fault-'));
  const model = (await ensureFixtureModels()).baseline!.path;
  const serveArgs = ['--fault-injection', '--max-crashes', '10'];
  [down, unchecked, checked] = await Promise.all([
    spawnMisbehavingServer(['--lanes', '4'], children),
    ServeProcess.start({ model, contexts: 1, threads: 1, extraArgs: serveArgs, env: { ...process.env, EMBEDGATE_TEST_UNCHECKED_CACHE: '1' } }),
    ServeProcess.start({ model, contexts: 1, threads: 1, extraArgs: serveArgs }),
  ]);
  serves.push(unchecked, checked);
  // The rules with the alert's metric misspelt: an alert that can never fire.
  const rules = readFileSync(join(ROOT, 'monitoring/embedgate-rules.yaml'), 'utf8');
  writeFileSync(join(work, 'wrong-rules.yaml'), rules.replace('increase(embedgate_worker_restarts_total', 'increase(embedgate_worker_restart_total'));
  copyFileSync(join(ROOT, 'monitoring/embedgate-rules.yaml'), join(work, 'rules.yaml'));
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(serves.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

describe('fault suites', () => {
  it('fail when the target stays down after it is killed, pass when embedgate serve survives its worker’s SIGKILL, and catch an unchecked cache', async () => {
    const files = [
      suite('stays-down', down, '    - { name: kill, type: kill-server, start: 2s }'),
      suite('corrupt-unchecked', unchecked.url, '    - { name: corrupt, type: corrupt-cache, start: 3s, count: 64 }'),
      suite('corrupt-checked', checked.url, '    - { name: corrupt, type: corrupt-cache, start: 3s, count: 64 }'),
      suite('worker-kill', checked.url, '    - { name: kill, type: kill-worker, start: 2s }', '', '  - detection.max <= 3s\n  - recovery.max <= 20s\n'),
    ];
    const { code, output, report } = await run(files);
    expect(code, output).toBe(1);
    const by = (name: string) => report.suites.find((s) => s.name === name)!;

    const stays = by('stays-down');
    expect(stays.outcome, output).toBe('fail');
    expect(status(stays)['faults.unrecovered == 0']).toBe('fail');
    expect(status(stays)['errors.rate < 1%']).toBe('fail');
    expect(value(stays, 'fault.errors.total')).toBeGreaterThan(0);

    // The unchecked cache serves what was corrupted; the answer checks see it.
    const bad = by('corrupt-unchecked');
    expect(bad.outcome, output).toBe('fail');
    expect(value(bad, 'responses.invalid')).toBeGreaterThan(0);
    expect(status(bad)['responses.invalid == 0']).toBe('fail');

    const good = by('corrupt-checked');
    expect(good.outcome, JSON.stringify(good.checks)).toBe('pass');
    expect(value(good, 'responses.invalid')).toBe(0);
    expect(value(good, 'faults.detected')).toBe(1);
    const journal = (good.details as { journal: { run: { output: { detectedBy?: string } }[] } }).journal;
    expect(journal.run[0]!.output.detectedBy).toMatch(/embedgate_cache_corrupt_total/);

    const killed = by('worker-kill');
    expect(killed.outcome, JSON.stringify(killed.checks)).toBe('pass');
    expect(value(killed, 'faults.injected')).toBe(1);
    expect(value(killed, 'detection.max')).toBeGreaterThanOrEqual(0);
    expect(value(killed, 'recovery.max')).toBeGreaterThan(0);
    expect(value(killed, 'worker.restarts')).toBeGreaterThanOrEqual(1);
    expect(value(killed, 'requests.sent')).toBe(value(killed, 'requests.answered')! + value(killed, 'errors.timeout')! + value(killed, 'errors.reset')! + value(killed, 'errors.connection')! + value(killed, 'errors.lost')! + value(killed, 'errors.unanswered')!);
  }, 240_000);

  it.skipIf(!PROMETHEUS && process.env['CI'] !== 'true')('with a real Prometheus: the worker-restart alert fires and resolves; with a misspelt metric it never fires and the suite fails', async () => {
    if (!PROMETHEUS) throw new Error('CI=true but no prometheus binary: install Debian’s prometheus package');
    const alerts = (rules: string) => `  alerts: { rules: ${rules}, scale: 0.01, fireWithin: 10s, resolveWithin: 20s }\n`;
    const kill = '    - { name: kill, type: kill-worker, start: 2s, alert: EmbedgateWorkerRestarted }';
    const files = [suite('alert-fires', checked.url, kill, alerts('rules.yaml'), '  - alerts.missing == 0\n'), suite('alert-silent', checked.url, kill, alerts('wrong-rules.yaml'), '  - alerts.missing == 0\n')];
    const { output, report } = await run(files);
    const fires = report.suites.find((s) => s.name === 'alert-fires')!;
    expect(fires.outcome, output + JSON.stringify((fires.details as { journal: unknown }).journal)).toBe('pass');
    expect(value(fires, 'alerts.fired')).toBe(1);
    expect(value(fires, 'alerts.resolved')).toBe(1);
    expect(value(fires, 'alerts.fire.max')).toBeGreaterThan(0);
    const silent = report.suites.find((s) => s.name === 'alert-silent')!;
    expect(silent.outcome).toBe('fail');
    expect(status(silent)['alerts.missing == 0']).toBe('fail');
  }, 240_000);
});

if (!PROMETHEUS && process.env['CI'] !== 'true') console.warn('fault-suite.test: SKIPPED the real-Prometheus test: no prometheus binary (apt-get install prometheus)');
