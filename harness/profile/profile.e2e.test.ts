// `embedgate profile` end to end: a short load suite on the baseline fixture, its embedgate serve
// run under clinic (heapprofiler, the quickest of clinic's tools to analyse) and under node
// --cpu-prof, each checked for the files the profiler wrote and report.html's links to them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import { runCli } from '../testing/run-cli.ts';
import { readProfileIndex } from './profile-index.ts';

let dir: string;
let suite: string;

beforeAll(async () => {
  await ensureFixtureModels();
  dir = mkdtempSync(join(tmpdir(), 'embedgate-profile-'));
  suite = join(dir, 'load-profiled.yaml');
  writeFileSync(
    suite,
    ['suite: load-profiled', 'kind: load', 'target: { gguf: baseline }', 'load:', '  phases: [closed]', '  connections: 4', '  duration: 1s', '  warmup: 1s', '  rounds: 1', '  ceiling: false', 'checks:', '  - errors.rate < 1%', ''].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every href of report.html that points into profile/, each checked to exist beside the report. */
function profileLinks(runDir: string): string[] {
  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  const links = [...html.matchAll(/<a href="(profile\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  for (const link of links) expect(existsSync(join(runDir, link)), link).toBe(true);
  return links;
}

describe('embedgate profile', () => {
  it('runs the served target under clinic and links its HTML page from report.html', async () => {
    const run = await runCli(['profile', suite, '--tool', 'heapprofiler', '--reporter', 'json,html'], { outUnder: dir });
    expect(run.code, run.output).toBe(0);
    const index = readProfileIndex(run.runDir!)!;
    expect(index.tool).toBe('heapprofiler');
    expect(index.entries).toHaveLength(1);
    const [entry] = index.entries;
    expect(entry!.error, entry!.error).toBeUndefined();
    expect(entry!.html).toMatch(/^profile\/1-baseline\/\d+\.clinic-heapprofiler\.html$/);
    expect(readFileSync(join(run.runDir!, entry!.html!), 'utf8')).toContain('<html');
    expect(profileLinks(run.runDir!)).toEqual([entry!.html]);
    // The memory figures are of the profiled server, not of clinic's process around it.
    expect(run.report!.suites[0]!.details?.target).toMatchObject({ servePid: entry!.serverPid });
  }, 240_000);

  it('writes V8 CPU profiles of the server and its llama.cpp worker with --tool cpu-prof', async () => {
    const run = await runCli(['profile', suite, '--tool', 'cpu-prof', '--reporter', 'json,html'], { outUnder: dir });
    expect(run.code, run.output).toBe(0);
    const [entry] = readProfileIndex(run.runDir!)!.entries;
    expect(entry!.error, entry!.error).toBeUndefined();
    const kinds = entry!.cpuProfiles!.map((p) => p.process);
    expect(kinds).toContain('server');
    expect(kinds).toContain('worker');
    for (const p of entry!.cpuProfiles!) {
      const profile = JSON.parse(readFileSync(join(run.runDir!, p.file), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
      expect(profile.nodes.length, p.file).toBeGreaterThan(0);
    }
    expect(profileLinks(run.runDir!).sort()).toEqual(entry!.cpuProfiles!.map((p) => p.file).sort());
  }, 240_000);

  it('refuses a suite whose target is not a gguf model, and an unknown tool, before running anything', async () => {
    const http = join(dir, 'load-http.yaml');
    writeFileSync(http, ['suite: load-http', 'kind: load', 'target: { http: "http://127.0.0.1:9" }', 'load: { phases: [closed], duration: 1s, rounds: 1 }', 'checks:', '  - errors.rate < 1%', ''].join('\n'));
    const notGguf = await runCli(['profile', http, '--tool', 'cpu-prof'], { outUnder: dir });
    expect(notGguf.code).toBe(2);
    expect(notGguf.stderr).toMatch(/suite load-http targets a http target \(http:\/\/127\.0\.0\.1:9.*nothing to profile|no embedgate serve of embedgate's own to profile/);
    const unknown = await runCli(['profile', suite, '--tool', 'perf'], { outUnder: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--tool "perf" is not a profiler embedgate knows; give one of doctor, flame, heapprofiler, cpu-prof');
  }, 60_000);
});
