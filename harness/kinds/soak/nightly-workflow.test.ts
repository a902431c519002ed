// The nightly soak workflow (.github/workflows/nightly-soak.yml) runs the command docs/soak.md
// documents, on a schedule and by hand with a duration, within the limits of where it runs, and
// keeps what it produced (the report as an artifact, summary.md in the job summary, the history).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyDurationOverride } from '../../commands/duration-override.ts';
import { loadSuite } from '../../config/load.ts';
import { REPO_ROOT } from '../../paths.ts';

const workflow = parse(readFileSync(join(REPO_ROOT, '.github/workflows/nightly-soak.yml'), 'utf8')) as {
  on: { schedule: { cron: string }[]; workflow_dispatch: { inputs: Record<string, { default?: string }> } };
  jobs: Record<string, { 'runs-on': string; 'timeout-minutes': string | number; env: Record<string, string>; steps: { name?: string; run?: string; uses?: string; with?: Record<string, string> }[] }>;
};
const job = workflow.jobs['soak']!;
const COMMAND = 'npx embedgate run suites/soak.yaml --duration "$DURATION" --out reports';

describe('the nightly soak workflow', () => {
  it('runs on a schedule and by hand with a duration input', () => {
    expect(workflow.on.schedule[0]!.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(workflow.on.workflow_dispatch.inputs['duration']!.default).toBe('4h');
    expect(job.env['DURATION']).toContain('inputs.duration');
  });

  it('runs the command docs/soak.md documents, on a suite that loads and takes --duration', () => {
    const runs = job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain(COMMAND);
    expect(readFileSync(join(REPO_ROOT, 'docs/soak.md'), 'utf8')).toContain(COMMAND.replace('"$DURATION"', '24h'));
    const loaded = loadSuite(join(REPO_ROOT, 'suites/soak.yaml'), { overrides: {}, env: process.env });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.plan.kind).toBe('soak');
    expect(applyDurationOverride('24h', [loaded.plan])[0]).toMatch(/suite soak .* runs 24h instead of 10 min/);
    expect(loaded.plan.params['duration']).toBe(24 * 3_600_000);
  });

  it('stays under the hosted 360-minute limit and gives the self-hosted 24-hour run its own label and timeout', () => {
    const timeout = String(job['timeout-minutes']);
    const [selfHosted, hosted] = [...timeout.matchAll(/&& (\d+) \|\| (\d+)/g)][0]!.slice(1).map(Number);
    expect(hosted).toBeLessThan(360);
    expect(selfHosted).toBeGreaterThan(24 * 60);
    expect(job['runs-on']).toContain('"self-hosted"');
    expect(job['runs-on']).toContain("'ubuntu-latest'");
    expect(job.env['DURATION']).toContain("'24h'");
  });

  it('uploads the run directory, appends summary.md to the job summary and keeps the history', () => {
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!['path']).toContain('steps.soak.outputs.dir');
    expect(job.steps.some((s) => s.run?.includes('summary.md') && s.run.includes('$GITHUB_STEP_SUMMARY'))).toBe(true);
    const kept = job.steps.filter((s) => s.uses?.startsWith('actions/cache/')).map((s) => s.with!['path']);
    expect(kept).toHaveLength(2);
    for (const path of kept) expect(path).toMatch(/reports\/history\.jsonl[\s\S]*reports\/ledger\.jsonl/);
  });
});
