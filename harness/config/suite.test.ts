import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';
import { loadSuite } from './suite.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'embedgate-suite-'));
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
function load(text: string) {
  return loadSuite(write(`s${Math.random().toString(36).slice(2)}.yaml`, text), { env: {} });
}

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['2s', 2000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
  ])('%s = %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['2', '2 s', 's', '-1s', '2d', '1e3ms', ''])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('loadSuite', () => {
  it('builds the plan of the example in the brief', () => {
    const result = load(`suite: bench-embed
kind: bench
target: { gguf: candidate }
compare: { gguf: baseline }
timeout: 5m
bench: { batchSize: 8, time: 2s }
checks:
  - single.latency.p95 <= 50ms
  - "batch.throughput >= 0.9 * baseline.batch.throughput"
`);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const plan = result.plan;
    expect(plan).toMatchObject({ name: 'bench-embed', kind: 'bench', timeoutMs: 300_000, params: { batchSize: 8, time: 2000, warmup: 250, minIterations: 10 } });
    expect(plan.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.target).toMatchObject({ type: 'gguf', name: 'candidate', position: { line: 3, col: 17 } });
    expect(plan.target.model).toMatchObject({ name: 'candidate', fixture: 'candidate', documentPrefix: '' });
    expect(plan.compare?.model?.queryPrefix).toBe('search_query: ');
    expect(plan.checks.map((c) => [c.source, c.position.line, c.position.col])).toEqual([
      ['single.latency.p95 <= 50ms', 8, 5],
      ['batch.throughput >= 0.9 * baseline.batch.throughput', 9, 6],
      // Default vector checks, pointing at the kind: line.
      ['vectors.invalid == 0', 2, 7],
      ['baseline.vectors.invalid == 0', 2, 7],
    ]);
    expect(plan.checks.map((c) => c.implicit ?? false)).toEqual([false, false, true, true]);
    expect(plan.checks[0]!.expression.op).toBe('<=');
  });

  it('adds no default vector check when the suite writes its own or turns them off', () => {
    const written = load(`suite: b
kind: bench
target: { gguf: candidate }
checks: [vectors.invalid <= 1]
`);
    if (!written.ok) throw new Error(JSON.stringify(written.errors));
    expect(written.plan.checks.map((c) => c.source)).toEqual(['vectors.invalid <= 1']);
    const off = load(`suite: b
kind: bench
target: { gguf: candidate }
vectorChecks: false
checks: [single.latency.p95 <= 50ms]
`);
    if (!off.ok) throw new Error(JSON.stringify(off.errors));
    expect(off.plan.checks.map((c) => c.source)).toEqual(['single.latency.p95 <= 50ms']);
  });

  it('uses a default timeout and accepts an http target', () => {
    const result = load(`suite: http-bench
kind: bench
target: { http: "http://127.0.0.1:8080" }
checks: [single.latency.p95 <= 50ms]
`);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.timeoutMs).toBe(600_000);
    expect(result.plan.target).toMatchObject({ type: 'http', name: 'http://127.0.0.1:8080' });
    expect(result.plan.target.model).toBeUndefined();
  });

  it('loads a suite of a kind with no runner yet, checking only what it can', () => {
    const result = load(`suite: load-100
kind: load
target: { gguf: candidate }
compare: { gguf: baseline }
load: { connections: 100, duration: 30s }
checks:
  - throughput.rps >= 90% * ceiling.throughput.rps
  - latency.p95 <= 2 * baseline.latency.p95
  - memory.rss.peak < 70% * machine.memory
`);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    // Decoded once at load time: durations in ms, every default applied, nested blocks included.
    expect(result.plan.params).toMatchObject({ connections: 100, duration: 30_000, warmup: 2000, rounds: 2, repeatShare: 0.2, inputsPerRequest: 1, ceiling: true });
    expect(result.plan.params).toMatchObject({ open: { share: 0.7, connections: 200 }, overload: { factor: 2, recoveryLimit: 30_000 }, phases: ['sequential', 'closed', 'open'] });
    expect(result.plan.params['dataset']).toBeUndefined();
    // The three written, and the default answer checks of a kind that checks answers under load.
    expect(result.plan.checks.map((c) => c.source)).toEqual([
      'throughput.rps >= 90% * ceiling.throughput.rps',
      'latency.p95 <= 2 * baseline.latency.p95',
      'memory.rss.peak < 70% * machine.memory',
      'responses.invalid == 0',
      'baseline.responses.invalid == 0',
    ]);
    expect(result.plan.checks.slice(3).every((c) => c.implicit)).toBe(true);
  });

  it('still rejects syntax and machine metrics in a suite of a kind with no runner', () => {
    const result = load(`suite: load-bad
kind: load
target: { gguf: candidate }
load: 3
checks:
  - latency.p95 <=
  - memory.rss.peak < 70% * machine.ram
`);
    if (result.ok) throw new Error('loaded');
    expect(result.errors.map((e) => `${e.line}:${e.col} ${e.path}`)).toEqual(['4:7 load', '6:19 checks[0]', '7:29 checks[1]']);
  });

  it('reports a file that does not exist', () => {
    const result = loadSuite(path.join(dir, 'absent.yaml'));
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ line: 0, message: 'file not found' })] });
  });

  it('reports a suite that is not a mapping', () => {
    const result = load('- just\n- a list\n');
    expect(result.ok).toBe(false);
  });

  it('resolves a gguf path relative to the suite file', () => {
    write('model.gguf', 'GGUF');
    const result = load(`suite: by-path
kind: bench
target: { gguf: ./model.gguf }
checks: [single.latency.p95 <= 50ms]
`);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.target.model).toMatchObject({ path: path.join(dir, 'model.gguf'), queryPrefix: '', source: 'suite file' });
  });
});
