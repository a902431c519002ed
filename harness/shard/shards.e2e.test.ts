// End to end: four shard processes of the real CLI drive one server on loopback (the misbehaving
// test server, clean), start together through a barrier file, and `embedgate merge` joins them.
// The merged counts must be the shards' sums exactly, and the merged p50/p99 those of one histogram
// this test builds itself from the shards' encoded histograms. A shard killed mid-run, a missing
// shard and shards of different suite files must each keep the merge from passing, naming why.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnMisbehavingServer } from '../http-client/testing/processes.ts';
import type { RunReport, SuiteResult } from '../result.ts';
import { BIN, runCli } from '../testing/run-cli.ts';
import { REPO_ROOT } from '../paths.ts';

const children: ChildProcess[] = [];
let work: string;
let suite: string;

interface ShardProcess {
  child: ChildProcess;
  out: string;
  stderr: () => string;
  waiting: Promise<void>;
  done: Promise<number | null>;
}

/** Starts `embedgate run SUITE --shard i/n --barrier FILE`; `waiting` resolves once it polls the barrier. */
function startShard(i: number, n: number, barrier: string): ShardProcess {
  const out = mkdtempSync(join(work, `shard${i}-`));
  const child = spawn(process.execPath, [BIN, 'run', suite, '--shard', `${i}/${n}`, '--barrier', barrier, '--out', out, '--reporter', 'json'], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let text = '';
  const waiting = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      text += d;
      if (text.includes('waiting for barrier')) resolve();
    });
    child.on('close', () => reject(new Error(`shard ${i} exited before the barrier:\n${text}`)));
  });
  waiting.catch(() => {});
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, out, stderr: () => text, waiting, done };
}

const runDirOf = (s: ShardProcess) => join(s.out, readdirSync(s.out)[0]!);
const suiteOf = (dir: string): SuiteResult => (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport).suites[0]!;
const v = (s: SuiteResult, name: string) => s.metrics[name]?.value;

/** Every shard started, then the barrier opened with a start instant just ahead. */
async function runShards(n: number, onStarted?: (shards: ShardProcess[]) => void): Promise<ShardProcess[]> {
  const barrier = join(mkdtempSync(join(work, 'barrier-')), 'go');
  const shards = Array.from({ length: n }, (_, i) => startShard(i, n, barrier));
  await Promise.all(shards.map((s) => s.waiting));
  writeFileSync(barrier, new Date(Date.now() + 300).toISOString());
  onStarted?.(shards);
  await Promise.all(shards.map((s) => s.done));
  return shards;
}

let four: ShardProcess[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-shards-'));
  const url = await spawnMisbehavingServer(['--delay-ms', '4', '--lanes', '8'], children);
  suite = join(work, 'load-sharded.yaml');
  writeFileSync(
    suite,
    `suite: load-sharded
kind: load
target: { http: ${url} }
load: { phases: [sequential, closed, open], connections: 10, duration: 1500ms, warmup: 300ms, rounds: 1, repeatShare: 0, open: { rate: 80, connections: 10 }, ceiling: false }
checks:
  - errors.rate < 1%
  - requests.sent > 0
  - latency.p99 < 5s
`,
  );
  four = await runShards(4);
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

describe('four shards merged', () => {
  it('each shard ran its share and exited 0', () => {
    for (const s of four) expect(s.child.exitCode, s.stderr()).toBe(0);
    const conns = four.map((s) => suiteOf(runDirOf(s)).details as { settings: { connections: number } });
    // 10 connections over 4 shards: 3 + 3 + 2 + 2.
    expect(conns.map((d) => d.settings.connections)).toEqual([3, 3, 2, 2]);
  });

  it('merged counts are the sums of the shards, and percentiles those of the union of their histograms', async () => {
    const dirs = four.map(runDirOf);
    const merged = await runCli(['merge', ...dirs], { outUnder: work });
    expect(merged.code, merged.output).toBe(0);
    const m = merged.report!.suites[0]!;
    const shards = dirs.map(suiteOf);
    for (const name of ['requests.sent', 'requests.answered', 'errors.total', 'responses.checked']) {
      expect(v(m, name), name).toBe(shards.reduce((a, s) => a + v(s, name)!, 0));
    }
    expect(v(m, 'requests.sent')).toBeGreaterThan(100);
    // One histogram fed every shard's closed-phase samples, built here from the encoded histograms.
    const union = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
    for (const s of shards) {
      for (const row of (s.details as { target: { phases: { phase: string; histogram: string }[] } }).target.phases) {
        if (row.phase === 'closed') union.add(hdr.decodeFromCompressedBase64(row.histogram, 32, false));
      }
    }
    for (const [p, name] of [[50, 'latency.p50'], [99, 'latency.p99']] as const) {
      const expected = Math.min(union.getValueAtPercentile(p), union.maxValue) / 1000;
      // Within HDR precision: 3 significant digits.
      expect(Math.abs(v(m, name)! - expected)).toBeLessThanOrEqual(expected * 1e-3);
    }
    expect(v(m, 'throughput.rps')).toBeCloseTo(shards.reduce((a, s) => a + v(s, 'throughput.rps')!, 0), 6);
    expect(m.checks.every((c) => c.status === 'pass'), JSON.stringify(m.checks)).toBe(true);
    // Sequential ran on shard 0 alone.
    expect(v(m, 'sequential.latency.p50')).toBe(v(shards[0]!, 'sequential.latency.p50'));
    expect(shards.slice(1).every((s) => v(s, 'sequential.latency.p50') === undefined)).toBe(true);
    const table = JSON.parse(readFileSync(join(merged.runDir!, 'shards.json'), 'utf8')) as { shards: { shard: string }[] };
    expect(table.shards.map((r) => r.shard)).toEqual(['0/4', '1/4', '2/4', '3/4']);
    for (const f of ['report.json', 'junit.xml', 'summary.md', 'report.html', 'events.jsonl']) expect(existsSync(join(merged.runDir!, f)), f).toBe(true);
    expect(readFileSync(join(merged.runDir!, 'summary.md'), 'utf8')).toContain('## Shards');
    // The merged directory is an ordinary run: embedgate report rebuilds it from its events.jsonl.
    const rebuilt = await runCli(['report', merged.runDir!, '--reporter', 'json']);
    expect(rebuilt.code, rebuilt.output).toBe(0);
    expect((JSON.parse(readFileSync(join(merged.runDir!, 'report.json'), 'utf8')) as RunReport).suites[0]!.metrics['requests.sent']).toEqual(m.metrics['requests.sent']);
  }, 60_000);

  it('a missing shard makes the merge inconclusive, naming it', async () => {
    const merged = await runCli(['merge', ...four.slice(0, 3).map(runDirOf)], { outUnder: work });
    expect(merged.code, merged.output).toBe(3);
    expect(merged.report!.reason).toContain('shard 3 of 4 missing');
  }, 60_000);

  it('a shard that started late gets a warning naming it', async () => {
    const late = join(work, 'late');
    cpSync(runDirOf(four[2]!), late, { recursive: true });
    const meta = JSON.parse(readFileSync(join(late, 'shard.json'), 'utf8')) as { skewMs: number };
    meta.skewMs = 2500;
    writeFileSync(join(late, 'shard.json'), JSON.stringify(meta));
    const merged = await runCli(['merge', runDirOf(four[0]!), runDirOf(four[1]!), late, runDirOf(four[3]!)], { outUnder: work });
    expect(merged.code, merged.output).toBe(0);
    expect(merged.stdout).toMatch(/Warning:\*\* shard 2 of 4 .* 2\.500 s after the planned instant, beyond the bound of 1\.000 s/);
    expect(merged.report!.suites[0]!.details!['warnings']).toEqual([expect.stringContaining('shard 2 of 4')]);
  }, 60_000);

  it('shards of different suite files are refused with a clear error', async () => {
    const other = join(work, 'tampered');
    cpSync(runDirOf(four[1]!), other, { recursive: true });
    const meta = JSON.parse(readFileSync(join(other, 'shard.json'), 'utf8')) as { suiteFiles: { sha256: string }[] };
    meta.suiteFiles[0]!.sha256 = '0'.repeat(64);
    writeFileSync(join(other, 'shard.json'), JSON.stringify(meta));
    const merged = await runCli(['merge', runDirOf(four[0]!), other, runDirOf(four[2]!), runDirOf(four[3]!)], { outUnder: work });
    expect(merged.code).toBe(2);
    expect(merged.stderr).toMatch(/shard 1 .* ran other suite files than shard 0 .*same sha256/);
  }, 60_000);
});

describe('a killed shard', () => {
  it('makes the merge inconclusive, naming the shard', async () => {
    const shards = await runShards(2, (s) => {
      // Killed mid-run, once its suite has started.
      const victim = s[1]!;
      const poll = setInterval(() => {
        const dir = readdirSync(victim.out)[0];
        const log = dir && join(victim.out, dir, 'events.jsonl');
        if (log && existsSync(log) && readFileSync(log, 'utf8').includes('"suite-start"')) {
          clearInterval(poll);
          victim.child.kill('SIGKILL');
        }
      }, 20);
    });
    expect(shards[1]!.child.signalCode).toBe('SIGKILL');
    const merged = await runCli(['merge', ...shards.map(runDirOf)], { outUnder: work });
    expect(merged.code, merged.output).toBe(3);
    expect(merged.report!.verdict).toBe('inconclusive');
    expect(merged.report!.reason).toMatch(/shard 1 of 2 .*stopped before its run ended/);
    expect(merged.stdout).toContain('| 1/2 |');
  }, 90_000);
});
