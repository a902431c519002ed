// End to end: inputs suites run by the CLI against real servers on 127.0.0.1. Each broken server
// fails the suite for its own reason, and a server that gets every input right passes:
//   - a server that dies on one malformed body (input: null) → inputs.crashes;
//   - a server that answers 200 to a body without input → inputs.accepted_bad;
//   - a server whose errors carry no message → inputs.unclear;
//   - the same server with nothing broken passes (so the suite is not failing everything);
//   - `embedgate serve` on the candidate, with the broken model files, passes.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import type { RunReport, SuiteResult } from '../../result.ts';
import { spawnTestServer } from '../../http-client/testing/processes.ts';
import { ServeProcess } from '../../targets/gguf/serve-process.ts';
import { runCli } from '../../testing/run-cli.ts';
import type { CaseResult } from './case.ts';

const SERVER = fileURLToPath(new URL('./testing/strict-server.ts', import.meta.url));
const children: ChildProcess[] = [];
let work: string;

const startServer = (flags: string[]) => spawnTestServer(SERVER, flags, children);

const CHECKS = ['inputs.accepted_bad == 0', 'inputs.rejected_good == 0', 'inputs.unclear == 0', 'inputs.crashes == 0', 'inputs.hung == 0'];

function suite(name: string, target: string, block: string): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, `suite: ${name}\nkind: inputs\ntarget: ${target}\ninputs:\n${block}checks:\n${CHECKS.map((c) => `  - ${c}\n`).join('')}`);
  return file;
}

const HTTP_BLOCK = '  generated: { count: 40, seed: 7 }\n  bodyLimit: 1048576\n  maxInputs: 64\n  requestTimeout: 5s\n';

async function run(files: string[]): Promise<{ code: number | null; output: string; report: RunReport }> {
  const ran = await runCli(['run', ...files], { outUnder: work });
  if (!ran.report) throw new Error(`no report.json written:\n${ran.output}`);
  return { code: ran.code, output: ran.output, report: ran.report };
}

const status = (s: SuiteResult) => Object.fromEntries(s.checks.map((c) => [c.source, c.status]));
const value = (s: SuiteResult, name: string) => s.metrics[name]?.value;
const failures = (s: SuiteResult) => (s.details as { failures: CaseResult[] }).failures;

let servers: Record<'clean' | 'crash' | 'accept' | 'silent', string>;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-inputs-'));
  const model = (await ensureFixtureModels()).candidate!.path;
  const [clean, crash, accept, silent, s] = await Promise.all([
    startServer([]),
    startServer(['--crash-on-null']),
    startServer(['--accept-missing-input']),
    startServer(['--no-message']),
    ServeProcess.start({ model, contexts: 2, threads: 1, overflow: 'error' }),
  ]);
  servers = { clean: clean.url, crash: crash.url, accept: accept.url, silent: silent.url };
  serve = s;
}, 180_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await serve?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('inputs suites', () => {
  it('fail on a server that crashes on one body, one that accepts a body without input, one whose errors have no message; pass on the same server unbroken', async () => {
    const files = (['clean', 'crash', 'accept', 'silent'] as const).map((k) => suite(`inputs-${k}`, `{ http: ${servers[k]} }`, HTTP_BLOCK));
    const { code, output, report } = await run(files);
    expect(code, output).toBe(1);
    const by = (k: string) => report.suites.find((s) => s.name === `inputs-${k}`)!;

    const clean = by('clean');
    expect(clean.outcome, JSON.stringify(failures(clean) ?? clean, null, 1)).toBe('pass');
    expect(value(clean, 'inputs.tried')).toBeGreaterThan(90);
    expect(value(clean, 'inputs.passed')).toBe(value(clean, 'inputs.tried'));
    expect(value(clean, 'target.rss.before')).toBeGreaterThan(0);

    const crash = by('crash');
    expect(crash.outcome, output).toBe('fail');
    expect(status(crash)['inputs.crashes == 0']).toBe('fail');
    expect(value(crash, 'inputs.crashes')).toBe(1);
    const died = failures(crash).find((f) => f.verdict === 'crash')!;
    expect(died.name).toBe('input-null');
    expect(died.why).toMatch(/process \d+ is gone/);
    // The rest could not be sent to a dead server, and the report says so.
    expect((crash.details as { notTried?: string[] }).notTried?.length).toBeGreaterThan(0);

    const accept = by('accept');
    expect(accept.outcome, output).toBe('fail');
    expect(status(accept)['inputs.accepted_bad == 0']).toBe('fail');
    expect(failures(accept).filter((f) => f.verdict === 'accepted-bad').map((f) => f.name)).toContain('input-missing');
    expect(value(accept, 'inputs.crashes')).toBe(0);

    const silent = by('silent');
    expect(silent.outcome, output).toBe('fail');
    expect(status(silent)['inputs.unclear == 0']).toBe('fail');
    const vague = failures(silent).find((f) => f.name === 'input-empty-string')!;
    expect(vague.verdict).toBe('unclear');
    expect(vague.why).toMatch(/no message at error\.message/);
    // Only errors are broken: the awkward texts still embed.
    expect(value(silent, 'inputs.rejected_good')).toBe(0);
  }, 120_000);

  it('pass on embedgate serve with the candidate fixture, broken model files included', async () => {
    // Served once for the file (an http target): a gguf target would load the model twice more.
    const file = suite('inputs-serve', `{ http: ${serve!.url} }`, '  generated: { count: 30 }\n  models: on\n');
    const { code, output, report } = await run([file]);
    const s = report.suites[0]!;
    expect(code, `${output}\n${JSON.stringify(failures(s), null, 1)}`).toBe(0);
    const groups = (s.details as { byGroup: Record<string, { ok: number }> }).byGroup;
    expect(groups['model']?.ok).toBe(6);
    expect(groups['awkward']?.ok).toBeGreaterThanOrEqual(13);
    const inputs = (s.details as { inputs: CaseResult[] }).inputs;
    expect(inputs.find((i) => i.name === 'at-context-limit')?.verdict).toBe('ok');
    expect(inputs.find((i) => i.name === 'nan-weights')?.message).toMatch(/nan-weights\.gguf.*NaN or Inf/);
  }, 240_000);
});
