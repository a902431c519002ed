// Gate 3's own load suites (suites/load-100.yaml and suites/overload.yaml, unchanged) run as two
// shards through --target-url against two servers on loopback (the misbehaving test server, clean,
// standing in for the candidate and the baseline), and merged: every check of both suites is
// judged on the merged data. The ceiling check stays inconclusive, because a shared http server
// has no in-process ceiling, and the merge says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnMisbehavingServer } from '../http-client/testing/processes.ts';
import { REPO_ROOT } from '../paths.ts';
import { BIN, runCli } from '../testing/run-cli.ts';

const children: ChildProcess[] = [];
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-gate3-shards-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

it('judges gate 3\'s load checks on the merged data of two shards', async () => {
  // A queue of 8 as overload.yaml's server: settings ask of embedgate serve, so the overload gets 503s.
  const [candidate, baseline] = await Promise.all([
    spawnMisbehavingServer(['--delay-ms', '12', '--lanes', '4', '--queue', '8', '--dimensions', '768'], children),
    spawnMisbehavingServer(['--delay-ms', '8', '--lanes', '4', '--queue', '8', '--dimensions', '256'], children),
  ]);
  const gate = join(work, 'gate-3-load.yaml');
  writeFileSync(gate, `gate: 3\ntitle: Load (sharded)\nneeds: [load]\nsuites: [${join(REPO_ROOT, 'suites/load-100.yaml')}, ${join(REPO_ROOT, 'suites/overload.yaml')}]\n`);
  const barrier = join(work, 'go');
  const outs = [0, 1].map((i) => mkdtempSync(join(work, `shard${i}-`)));
  const shards = outs.map((out, i) => {
    const child = spawn(process.execPath, [BIN, 'run', gate, '--shard', `${i}/2`, '--barrier', barrier, '--target-url', `candidate=${candidate}`, '--target-url', `baseline=${baseline}`, '--out', out, '--reporter', 'json'], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let text = '';
    child.stderr!.on('data', (d) => (text += d));
    return { child, log: () => text, done: new Promise<number | null>((r) => child.on('close', r)) };
  });
  writeFileSync(barrier, '');
  const codes = await Promise.all(shards.map((s) => s.done));
  expect(codes, shards.map((s) => s.log()).join('\n---\n')).toEqual([0, 0]);

  const merged = await runCli(['merge', ...outs.map((o) => join(o, readdirSync(o)[0]!))], { outUnder: work });
  const report = merged.report!;
  expect(report.suites.map((s) => s.name)).toEqual(['load-100', 'overload']);
  for (const suite of report.suites) {
    for (const check of suite.checks) {
      if (check.source.includes('ceiling.')) {
        expect(check.status, check.source).toBe('inconclusive');
        expect(check.detail).toMatch(/http target, which has no in-process ceiling/);
      } else {
        expect(['pass', 'fail'], `${suite.name}: ${check.source}: ${check.detail}`).toContain(check.status);
      }
    }
  }
  const load = report.suites[0]!;
  // Judged on the merged data: 100 connections in all, the shards' 50 + 50.
  expect((load.details as { target: { phases: { phase: string; connections: number }[] } }).target.phases.filter((p) => p.phase === 'closed').map((p) => p.connections)).toEqual([100, 100]);
  expect(report.suites[1]!.checks.find((c) => c.source === 'overload.rejected > 0')?.status).toBe('pass');
  // The ceiling check is not a pass, so neither is the gate.
  expect(report.verdict).not.toBe('pass');
}, 240_000);
