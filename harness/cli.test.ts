// End to end: the real embedgate command on small fixture suites, real fixture models in a real
// llama.cpp worker, real report files. Each test checks the exit code and what was written.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.ts';
import type { RunReport } from './result.ts';

const ROOT = REPO_ROOT;
const BIN = join(ROOT, 'bin', 'embedgate.mjs');
const SUITES = join(ROOT, 'fixtures', 'suites');
const BAD_MODELS = join(ROOT, 'fixtures', 'models', 'bad');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outRoot: string;
}

function embedgate(args: string[], opts: { onStart?: (child: ReturnType<typeof spawn>) => void; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const outRoot = mkdtempSync(join(tmpdir(), 'embedgate-cli-'));
  const child = spawn(process.execPath, [BIN, ...args, '--out', outRoot], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  opts.onStart?.(child);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, outRoot })));
}

function reportDir(run: Run): string {
  // The reports root also holds history.jsonl and ledger.jsonl (harness/history/): count run directories only.
  const dirs = readdirSync(run.outRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  expect(dirs, `one run directory under ${run.outRoot}\n${run.stderr}`).toHaveLength(1);
  return join(run.outRoot, dirs[0]!);
}

function readReport(run: Run): RunReport {
  return JSON.parse(readFileSync(join(reportDir(run), 'report.json'), 'utf8')) as RunReport;
}

describe('embedgate run', () => {
  it('passes a passing suite, exits 0 and writes all five report files', async () => {
    const run = await embedgate(['run', join(SUITES, 'fidelity-pass.yaml')]);
    expect(run.code, run.stderr).toBe(0);
    const dir = reportDir(run);
    for (const file of ['events.jsonl', 'report.json', 'junit.xml', 'summary.md', 'report.html']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const report = readReport(run);
    expect(report.schemaVersion).toBe(1);
    expect(report.verdict).toBe('pass');
    expect(report.suites[0]!.metrics['cosine.min']!.value).toBeGreaterThanOrEqual(0.999);
    // Provenance names the model by sha256 and the suite file by hash.
    expect(report.provenance.models[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.provenance.suiteFiles[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('run-start');
    expect(events.at(-1).type).toBe('run-end');
    expect(run.stdout).toMatch(/PASS/);
  });

  it('exits 1 when a check fails, and junit.xml records it by structure', async () => {
    const run = await embedgate(['run', join(SUITES, 'fidelity-fail.yaml')]);
    expect(run.code, run.stderr).toBe(1);
    const report = readReport(run);
    expect(report.verdict).toBe('fail');
    // The third check is the default vectors.invalid == 0 the harness adds.
    expect(report.suites[0]!.checks.map((c) => [c.status, c.implicit ?? false])).toEqual([
      ['pass', false],
      ['fail', false],
      ['pass', true],
    ]);

    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      readFileSync(join(reportDir(run), 'junit.xml'), 'utf8'),
    );
    const suites = [xml.testsuites.testsuite].flat();
    const suite = suites.find((s: { name: string }) => s.name === 'fidelity-fail');
    expect(Number(suite.tests)).toBe(3);
    expect(Number(suite.failures)).toBe(1);
    const cases = [suite.testcase].flat();
    const failed = cases.find((c: { name: string }) => c.name === 'items >= 1000');
    expect(failed.failure).toBeDefined();
  });

  it('survives a corrupt model: the suite errors with the file and reason, the report is written, exit 3', async () => {
    const truncated = join(BAD_MODELS, 'truncated.gguf');
    const run = await embedgate(['run', join(SUITES, 'fidelity-pass.yaml'), '--model', `baseline=${truncated}`]);
    expect(run.code, run.stderr).toBe(3);
    const report = readReport(run);
    expect(report.verdict).toBe('inconclusive');
    expect(report.suites[0]!.outcome).toBe('error');
    expect(report.suites[0]!.reason).toContain(truncated);
    expect(report.suites[0]!.reason).toMatch(/truncat|past the end|end of file/i);
    expect(existsSync(join(reportDir(run), 'report.html'))).toBe(true);
  });

  it('refuses golden vectors recorded for another model', async () => {
    const candidate = join(ROOT, 'fixtures', 'models', 'candidate.gguf');
    const run = await embedgate(['run', join(SUITES, 'fidelity-pass.yaml'), '--model', `baseline=${candidate}`]);
    expect(run.code, run.stderr).toBe(3);
    const suite = readReport(run).suites[0]!;
    expect(suite.outcome).toBe('error');
    expect(suite.reason).toMatch(/recorded for model sha256/);
    expect(suite.reason).toMatch(/record-golden/);
  });

  it('runs a retrieval suite on both models: 11 queries cannot show non-inferiority, so exit 3, not pass', async () => {
    const run = await embedgate(['run', join(SUITES, 'retrieval-tiny.yaml')]);
    expect(run.code, run.stderr).toBe(3);
    const suite = readReport(run).suites[0]!;
    expect(suite.outcome).toBe('inconclusive');
    expect(suite.reason).toMatch(/interval of the ndcg_at_10 difference .* over 11 queries contains the margin −0.01/);
    for (const name of ['ndcg_at_10', 'mrr_at_10', 'recall_at_10', 'bm25.ndcg_at_10', 'ndcg_at_10.diff.ci_low', 'docs_per_second']) {
      expect(suite.metrics[name], name).toBeDefined();
    }
    expect(suite.baselineMetrics!['ndcg_at_10']!.value).toBeGreaterThan(suite.metrics['random.ndcg_at_10']!.value);
    expect((suite.details as { dataset: { revision: string } }).dataset.revision).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs a bench suite and reports percentiles and throughput', async () => {
    const run = await embedgate(['run', join(SUITES, 'bench-quick.yaml')]);
    expect(run.code, run.stderr).toBe(0);
    const metrics = readReport(run).suites[0]!.metrics;
    const p50 = metrics['single.latency.p50']!.value;
    const p95 = metrics['single.latency.p95']!.value;
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(metrics['single.latency.max']!.value);
    expect(metrics['batch.throughput']!.value).toBeGreaterThan(0);
  });

  // The run stops promptly (its runner gets a 2 s grace, then the report is written); 5 s on an
  // idle machine, but a busy one can stretch process exit, so the bound here is far below the
  // suite's own length (its bench task alone runs 120 s), not a timing claim.
  it('on SIGINT writes an interrupted report and exits 3 long before the suite would end', async () => {
    let interruptedAt = 0;
    const run = await embedgate(['run', join(SUITES, 'bench-long.yaml')], {
      onStart: (child) => {
        // Interrupt once the bench is really running (its ▶ line, printed after the signal
        // handler is installed). The fallback is long: on a loaded machine tsx alone can take
        // seconds, and a SIGINT before the handler kills the process with no report.
        let sent = false;
        const send = () => {
          if (sent) return;
          sent = true;
          interruptedAt = Date.now();
          child.kill('SIGINT');
        };
        const timer = setTimeout(send, 60_000);
        child.stderr!.on('data', (d: Buffer) => {
          if (/bench-long/.test(String(d)) && /▶/.test(String(d))) setTimeout(send, 1500);
        });
        child.on('close', () => clearTimeout(timer));
      },
    });
    const elapsed = Date.now() - interruptedAt;
    expect(run.code, run.stderr).toBe(3);
    expect(elapsed).toBeLessThan(30_000);
    const report = readReport(run);
    expect(report.status).toBe('interrupted');
    expect(report.verdict).toBe('inconclusive');
  }, 150_000);

  it('exits 2 with file:line:col for a malformed suite', async () => {
    const file = join(ROOT, 'fixtures', 'bad-suites', 'unknown-metric.yaml');
    const run = await embedgate(['run', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown-metric\.yaml:\d+:\d+/);
    expect(readdirSync(run.outRoot)).toHaveLength(0);
  });

  it('exits 2 with file:line:col for an alias with no anchor, as for any other configuration error', async () => {
    const run = await embedgate(['check', join(ROOT, 'fixtures', 'bad-suites', 'unresolved-alias.yaml')]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('unresolved-alias.yaml:4:10: timeout: YAML alias *limit has no anchor &limit before it');
  });
});

describe('embedgate gate', () => {
  // Running gate 3 takes minutes (load phases on both models); harness/kinds/load/gate3.test.ts runs a
  // gate of the same kinds against small servers and checks the missing fault kind is named.
  it('gates 3 and 4 load: their load, overload, memory, fault, swarm, soak and canary suites are valid', async () => {
    const gate3 = await embedgate(['check', join(ROOT, 'suites', 'gate-3.yaml')]);
    expect(gate3.code, gate3.stderr).toBe(0);
    expect(gate3.stdout + gate3.stderr).toMatch(/6 suite\(s\) valid/);
    const gate4 = await embedgate(['check', join(ROOT, 'suites', 'gate-4.yaml')]);
    expect(gate4.code, gate4.stderr).toBe(0);
    expect(gate4.stdout + gate4.stderr).toMatch(/10 suite\(s\) valid/);
  });

  it('swarm --config reads YAML as suites are: a bad alias exits 2 with file:line:col', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'embedgate-swarm-')), 'swarm.yaml');
    writeFileSync(file, 'swarm:\n  seeds: *nope\n');
    const run = await embedgate(['swarm', '--config', file, '--seeds', '2']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toContain(`${file}:2:10: swarm.seeds: YAML alias *nope has no anchor &nope before it`);
  });

  it('rejects a gate number out of range as a usage error', async () => {
    const run = await embedgate(['gate', '7']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/1 to 4/);
  });
});
