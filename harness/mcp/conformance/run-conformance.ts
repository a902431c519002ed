// Runs @modelcontextprotocol/conformance's server scenarios against an MCP URL, one CLI run per
// scenario with its own results folder, and reads each checks.json. A scenario passes when it
// recorded at least one check and none failed (a scenario with no check proves nothing).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../paths.ts';

const CLI = join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const REGISTER = fileURLToPath(new URL('./node20-register.mjs', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

export interface ScenarioFile {
  scenarios: string[];
  notApplicable: Record<string, string>;
}

export function readScenarioFiles(): { scenarios: string[]; notApplicable: Record<string, string>; expectedFailures: Record<string, string> } {
  const s = JSON.parse(readFileSync(join(HERE, 'scenarios.json'), 'utf8')) as ScenarioFile;
  const expectedFailures = JSON.parse(readFileSync(join(HERE, 'expected-failures.json'), 'utf8')) as Record<string, string>;
  return { scenarios: s.scenarios, notApplicable: s.notApplicable, expectedFailures };
}

export interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | string;
  errorMessage?: string;
}

export interface ScenarioOutcome {
  scenario: string;
  passed: boolean;
  checks: Check[];
  /** The failed checks' messages, or why there is no verdict (the CLI failed, no checks). */
  why: string[];
}

export async function runScenario(url: string, scenario: string, timeoutMs = 60_000): Promise<ScenarioOutcome> {
  const out = mkdtempSync(join(tmpdir(), 'embedgate-conformance-'));
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', REGISTER, CLI, 'server', '--url', url, '--scenario', scenario, '-o', out], { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c, output });
      });
    });
    const dir = readdirSync(out).find((d) => d.startsWith(`server-${scenario}-`));
    if (!dir) return { scenario, passed: false, checks: [], why: [`the conformance CLI wrote no checks.json (exit ${code}): ${output.slice(-600)}`] };
    const checks = JSON.parse(readFileSync(join(out, dir, 'checks.json'), 'utf8')) as Check[];
    const failed = checks.filter((c) => c.status === 'FAILURE');
    const why = failed.map((c) => `${c.id}: ${c.errorMessage ?? 'failed'}`);
    if (checks.length === 0) why.push('the scenario recorded no check');
    return { scenario, passed: checks.length > 0 && failed.length === 0, checks, why };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
