// `embedgate report DIR` end to end: the real command, a real run on the fixture model, killed with
// SIGKILL in the middle of its suite; then the report files rebuilt from events.jsonl alone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../result.ts';
import { KILLED_REASON } from './rebuild.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'embedgate.mjs');
const SUITES = join(ROOT, 'fixtures', 'suites');
const REPORT_FILES = ['report.json', 'junit.xml', 'summary.md', 'report.html'];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts embedgate; `whileRunning` may kill it. Resolves when it has exited. */
function embedgate(args: string[], whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  whileRunning?.(child);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

function runDirUnder(root: string): string | undefined {
  // Run directories only: the reports root also holds the run history (history.jsonl).
  const dirs = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  return dirs.length === 1 ? join(root, dirs[0]!) : undefined;
}

const readEvents = (dir: string) => readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; suite?: string });
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;

function parseJunit(dir: string) {
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(join(dir, 'junit.xml'), 'utf8'));
  return [xml.testsuites.testsuite].flat() as { name: string; tests: string; skipped: string; testcase?: unknown }[];
}

describe('embedgate report', () => {
  it('rebuilds report.json, junit.xml, summary.md and report.html from the events.jsonl of a run killed with SIGKILL', async () => {
    const outRoot = mkdtempSync(join(tmpdir(), 'embedgate-killed-'));
    const killed = await embedgate(['run', join(SUITES, 'bench-long.yaml'), '--out', outRoot], (child) => {
      // SIGKILL as soon as events.jsonl says the suite has started: no handler runs, nothing is flushed.
      const poll = setInterval(() => {
        const dir = runDirUnder(outRoot);
        if (!dir || !existsSync(join(dir, 'events.jsonl'))) return;
        if (readEvents(dir).some((e) => e.type === 'suite-start' && e.suite === 'bench-long')) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 50);
      child.on('exit', () => clearInterval(poll));
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const dir = runDirUnder(outRoot)!;
    for (const file of REPORT_FILES) expect(existsSync(join(dir, file)), `${file} before the rebuild`).toBe(false);
    expect(readEvents(dir).map((e) => e.type)).not.toContain('suite-end');

    const rebuilt = await embedgate(['report', dir]);
    expect(rebuilt.code, rebuilt.stderr).toBe(3);
    for (const file of REPORT_FILES) expect(existsSync(join(dir, file)), file).toBe(true);
    const report = readReport(dir);
    expect(report.status).toBe('interrupted');
    expect(report.verdict).toBe('inconclusive');
    expect(report.exitCode).toBe(3);
    expect(report.suites).toHaveLength(1);
    expect(report.suites[0]).toMatchObject({ name: 'bench-long', kind: 'bench', outcome: 'inconclusive', reason: KILLED_REASON });
    // Its checks are listed as not judged, so junit has something to show as skipped.
    expect(report.suites[0]!.checks.map((c) => [c.source, c.status])).toEqual([
      ['single.latency.p95 <= 30s', 'inconclusive'],
      ['vectors.invalid == 0', 'inconclusive'],
    ]);
    expect(report.provenance.suiteFiles[0]!.file).toBe(join(SUITES, 'bench-long.yaml'));
    const suite = parseJunit(dir).find((s) => s.name === 'bench-long')!;
    expect(Number(suite.tests)).toBe(2);
    expect(Number(suite.skipped)).toBe(2);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('bench-long');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(KILLED_REASON);
  });

  it('rebuilds a completed run into the same report.json: verdict, exit code and suites', async () => {
    const outRoot = mkdtempSync(join(tmpdir(), 'embedgate-rebuild-'));
    const ran = await embedgate(['run', join(SUITES, 'fidelity-fail.yaml'), '--out', outRoot]);
    expect(ran.code, ran.stderr).toBe(1);
    const dir = runDirUnder(outRoot)!;
    const original = readReport(dir);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    for (const file of REPORT_FILES) rmSync(join(dir, file));

    const rebuilt = await embedgate(['report', dir]);
    expect(rebuilt.code, rebuilt.stderr).toBe(1);
    const report = readReport(dir);
    expect(report).toEqual(original);
    expect(report.verdict).toBe('fail');
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toBe(junit);
    for (const file of REPORT_FILES) expect(existsSync(join(dir, file)), file).toBe(true);
  });

  it('exits 2 and says what to give when the directory holds no events.jsonl', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'embedgate-empty-'));
    const run = await embedgate(['report', empty]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has no events\.jsonl; give the directory of one run/);
  });
});
