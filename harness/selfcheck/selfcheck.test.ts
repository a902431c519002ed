// `embedgate selfcheck` end to end, on a subset to stay short: the fault proxy drops 1 % of
// connections in front of the stand-in test server, and perturbs every vector of a real
// `embedgate serve` of the fixture baseline. Both must be caught by the checks that should catch
// them, the run must leave its usual report, and every server it started must be gone after.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../http-client/testing/processes.ts';
import { REPO_ROOT } from '../paths.ts';
import type { RunReport } from '../result.ts';
import type { SelfcheckVerdict } from './table.ts';

const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');
const work = mkdtempSync(join(tmpdir(), 'embedgate-selfcheck-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function selfcheck(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'selfcheck', ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}


describe('embedgate selfcheck', () => {
  it('--only drops,perturb: both caught by the checks meant for them, a report written, its servers stopped', async () => {
    const out = join(work, 'reports');
    const { code, stdout, stderr } = await selfcheck(['--only', 'drops,perturb', '--reporter', 'json', '--out', out]);
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/^drops\s.*caught: load: /m);
    expect(stdout).toMatch(/\sload: errors\.lost == 0$/m);
    expect(stdout).toMatch(/^perturb\s.*caught: fidelity: cosine\.min >= 0\.999/m);
    expect(stdout).toContain('2 of 2 regressions caught; clean server not run');

    const [runDir] = readdirSync(out);
    const report = JSON.parse(readFileSync(join(out, runDir!, 'report.json'), 'utf8')) as RunReport;
    expect(report.suites.map((s) => s.name)).toEqual(['drops/load', 'perturb/fidelity']);
    expect(report.suites.find((s) => s.name === 'drops/load')!.metrics['errors.lost']!.value).toBeGreaterThan(0);
    const perturbed = report.suites.find((s) => s.name === 'perturb/fidelity')!;
    expect(perturbed.metrics['cosine.min']!.value).toBeGreaterThan(0.99);
    expect(perturbed.metrics['cosine.min']!.value).toBeLessThan(0.999);
    const written = JSON.parse(readFileSync(join(out, runDir!, 'selfcheck.json'), 'utf8')) as SelfcheckVerdict & { affected: Record<string, Record<string, number>> };
    expect(written.exitCode).toBe(0);
    expect(written.affected['drops']!['drop_downstream']).toBeGreaterThan(0);

    // Every process it started (embedgate serve, test servers) was stopped.
    const pids = [...stderr.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(pids.filter(isAlive)).toEqual([]);
  }, 180_000);

  it('an unknown regression name is a usage error (exit 2) that lists the known ones', async () => {
    const { code, stderr } = await selfcheck(['--only', 'drops,nope']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown regression "nope"; known: clean, slower, spikes/);
  });
});
