// End to end, with the real CLI on a tiny bench suite in a temp reports root: every run appends to
// history.jsonl, gate runs to ledger.jsonl; gate 2 before gate 1 is marked out of order (and
// --out-of-order is recorded); `status` shows the ledger and catches an edited or moved line;
// `compare` says no change for two runs of the same model and worse for a target slowed on
// purpose, with "not enough data" where a bench of a few calls cannot tell. The slowed target is
// an http server that waits 100 ms per request: a CPU-bound slowdown (more threads than cores) was
// lost in the noise while the shared machine ran at a load of 20 on 2 cores.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMisbehavingServer } from '../http-client/testing/processes.ts';
import { runCli, type CliRun } from '../testing/run-cli.ts';

let work: string;
let reports: string;

const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCli([...args, '--out', reports, '--reporter', 'console,json,markdown,html'], { env });

/** The run directories under the reports root, oldest first (their names start with a timestamp). */
const runDirs = (): string[] => readdirSync(reports, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const report = (dir: string) => JSON.parse(readFileSync(join(reports, dir, 'report.json'), 'utf8'));
const lines = (file: string) => readFileSync(join(reports, file), 'utf8').split('\n').filter(Boolean);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-review-'));
  reports = join(work, 'reports');
  const texts = { items: [{ id: 'q1', role: 'query', text: 'parse json' }, { id: 'd1', role: 'document', text: 'function parse(s) { return JSON.parse(s) }' }] };
  writeFileSync(join(work, 'texts.json'), JSON.stringify(texts));
  writeFileSync(
    join(work, 'tiny-bench.yaml'),
    'suite: tiny-bench\nkind: bench\ntarget: { gguf: candidate }\nbench: { batchSize: 1, time: 300ms, warmup: 50ms, minIterations: 12, texts: texts.json }\n' +
      'checks:\n  - single.latency.p95 <= 60s\n  - vectors.invalid == 0\n',
  );
  for (const n of [1, 2]) writeFileSync(join(work, `gate-${n}.yaml`), `gate: ${n}\ntitle: Tiny ${n}\nneeds: [bench]\nsuites: [tiny-bench.yaml]\n`);
});

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

// Runs are started in pairs, at the same time: two runs compared should see the same machine. On a
// shared machine, runs minutes apart drifted by +49 % to +500 % with the same models (docs/review.md).
let early: { plain: string; forced: string };

describe('history, ledger, status and compare on real runs', () => {
  it('marks gate 2 out of order before gate 1 passed, records the override, and keeps the exit code', async () => {
    const [plain, forced] = await Promise.all([cli(['run', join(work, 'gate-2.yaml')]), cli(['run', join(work, 'gate-2.yaml'), '--out-of-order'])]);
    expect(plain.code, plain.output).toBe(0);
    expect(forced.code, forced.output).toBe(0);
    const dirs = runDirs().map((d) => ({ d, r: report(d) }));
    const p = dirs.find((x) => x.r.gate.order.status === 'out-of-order')!;
    const f = dirs.find((x) => x.r.gate.order.status === 'overridden')!;
    early = { plain: join(reports, p.d), forced: join(reports, f.d) };
    expect(p.r.verdict).toBe('pass');
    expect(p.r.gate.order.missing).toEqual([1]);
    expect(f.r.gate.order.missing).toEqual([1]);
    expect(plain.stdout).toContain('OUT OF ORDER: gate 1 has not passed');
    expect(forced.stdout).toContain('run out of order on purpose (--out-of-order)');
    expect(readFileSync(join(early.plain, 'summary.md'), 'utf8')).toContain('OUT OF ORDER');
    expect(readFileSync(join(early.plain, 'report.html'), 'utf8')).toContain('data-gate-order="out-of-order"');

    const one = await cli(['run', join(work, 'gate-1.yaml')]);
    expect(one.code, one.output).toBe(0);
    const gate1 = join(reports, runDirs().find((d) => ![early.plain, early.forced].includes(join(reports, d)))!);
    expect(report(gate1.split('/').at(-1)!).gate.order.status).toBe('in-order');

    const ledger = lines('ledger.jsonl').map((l) => JSON.parse(l));
    expect(ledger.map((e) => `${e.gate} ${e.verdict} ${e.order}`).sort()).toEqual(['1 pass in-order', '2 pass out-of-order', '2 pass overridden']);
    expect(ledger.at(-1).gate).toBe(1);
    expect(ledger[0].prevSha256).toBeNull();
    expect(ledger[0].candidate.sha256).toBe(p.r.provenance.models[0].sha256);

    // Every completed run appended one line per suite, keyed by gate, suite and model sha256.
    const history = lines('history.jsonl').map((l) => JSON.parse(l));
    expect(history.map((e) => `${e.gate} ${e.suite}`).sort()).toEqual(['1 tiny-bench', '2 tiny-bench', '2 tiny-bench']);
    expect(history[0].models.target).toBe(p.r.provenance.models[0].sha256);
    expect(Object.keys(history[0].metrics)).toContain('single.latency.p95');
  }, 300_000);

  it('report.html shows the trend of the same gate, suite and models, skipping a corrupt history line', async () => {
    writeFileSync(join(reports, 'history.jsonl'), readFileSync(join(reports, 'history.jsonl'), 'utf8') + '{"v":1,"runId":\n');
    // The trend of a report holds the runs that ended before it: rebuild the one of the two
    // concurrent gate-2 runs that finished last, so the other one is in its trend.
    const finished = (dir: string) => Date.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).finishedAt);
    const later = finished(early.plain) >= finished(early.forced) ? early.plain : early.forced;
    const rebuilt = await runCli(['report', later]);
    expect(rebuilt.code, rebuilt.output).toBe(0);
    const html = readFileSync(join(later, 'report.html'), 'utf8');
    expect(html).toMatch(/data-metric="single.latency.p95" data-runs="2"/);
    expect(html).toContain('1 unreadable history line(s) skipped');
  });

  it('status shows the ledger, and detects an edited and a reordered line', async () => {
    const ok = await runCli(['status', '--out', reports]);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.stdout).toContain('chain intact');
    expect(ok.stdout).toMatch(/gate 1 {2}passed: PASS 20/);
    expect(ok.stdout).toMatch(/gate 2 {2}passed: PASS \[(overridden|out-of-order)\]/);
    expect(ok.stdout).toContain('gate 3  not run');

    const file = join(reports, 'ledger.jsonl');
    const original = readFileSync(file, 'utf8');
    const [l1, l2, l3] = original.split('\n');
    writeFileSync(file, [l1!.replace('"verdict":"pass"', '"verdict":"fail"'), l2, l3, ''].join('\n'));
    const edited = await runCli(['status', '--out', reports]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('CHAIN BROKEN');
    expect(edited.stdout).toContain('line 2: chain broken: line 1 was edited');

    writeFileSync(file, [l1, l3, l2, ''].join('\n'));
    const moved = await runCli(['status', '--out', reports]);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toMatch(/line 2: chain broken: it follows line 3, not line 1: lines were reordered/);
    writeFileSync(file, original);
  });

  it('compare: no change for the same model, not enough data for tails', async () => {
    const same = await runCli(['compare', early.plain, early.forced, '--noise', '100%', '--out', work]);
    expect(same.code, same.output).toBe(0);
    expect(same.stdout).toContain('embedgate compare: NO CHANGE');
    const md = readFileSync(join(work, 'compare.md'), 'utf8');
    expect(md).toMatch(/\| no change \| `single.latency.p50` .*bootstrap 95 % interval/);
    expect(md).toMatch(/\| not enough data \| `single.latency.p99` .*needs 300 per side/);
    expect(readFileSync(join(work, 'compare.html'), 'utf8')).toContain('data-verdict="NO CHANGE"');

  });

  it('compare: worse for a target slowed on purpose', async () => {
    const [fast, slow] = await Promise.all([spawnMisbehavingServer(['--lanes', '4'], children), spawnMisbehavingServer(['--delay-ms', '100', '--lanes', '4'], children)]);
    const suite = (name: string, url: string) => {
      const file = join(work, `${name}.yaml`);
      writeFileSync(file, `suite: http-bench\nkind: bench\ntarget: { http: "${url}" }\nbench: { batchSize: 1, time: 300ms, warmup: 50ms, minIterations: 12, texts: texts.json }\nchecks:\n  - vectors.invalid == 0\n`);
      return file;
    };
    const out = join(work, 'slowed');
    const runs = await Promise.all([runCli(['run', suite('fast', fast), '--out', join(out, 'a')]), runCli(['run', suite('slow', slow), '--out', join(out, 'b')])]);
    for (const r of runs) expect(r.code, r.output).toBe(0);
    const dir = (side: string) => join(out, side, readdirSync(join(out, side), { withFileTypes: true }).find((d) => d.isDirectory())!.name);
    const worse = await runCli(['compare', dir('a'), dir('b'), '--noise', '100%', '--out', work]);
    expect(worse.code, worse.output).toBe(1);
    expect(worse.stdout).toContain('embedgate compare: WORSE');
    expect(worse.stdout).toMatch(/worse +single\.latency\.p50/);
    expect(worse.stdout).toMatch(/worse +single\.throughput/);
  }, 120_000);
});
