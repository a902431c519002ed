import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGate } from './gate.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'embedgate-gate-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const bench = (name: string, check = 'single.latency.p95 <= 50ms') => `suite: ${name}
kind: bench
target: { gguf: candidate }
checks:
  - ${check}
`;

describe('loadGate', () => {
  it('loads the gate and its suites, relative to the gate file and not to the cwd', () => {
    const dir = project({
      'gates/gate-1.yaml': 'gate: 1\ntitle: Unit\nneeds: [bench]\nsuites: [../suites/a.yaml, ../suites/b.yaml]\n',
      'suites/a.yaml': bench('a'),
      'suites/b.yaml': bench('b'),
    });
    const result = loadGate(path.join(dir, 'gates/gate-1.yaml'), { env: {}, cwd: os.tmpdir() });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan).toMatchObject({ number: 1, title: 'Unit', needs: ['bench'] });
    expect(result.plan.suites.map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('collects the errors of the gate file and of every suite together', () => {
    const dir = project({
      'gate.yaml': 'gate: one\ntitle: Unit\nneeds: [bench, acuracy]\nsuites:\n  - a.yaml\n  - missing.yaml\n  - b.yaml\n',
      'a.yaml': bench('a', 'single.latency.p95 <= 50'),
      'b.yaml': bench('b', 'single.latency.p59 <= 50ms'),
    });
    const result = loadGate(path.join(dir, 'gate.yaml'), { env: {} });
    if (result.ok) throw new Error('loaded');
    expect(result.errors.map((e) => `${path.basename(e.file)}:${e.line}:${e.col} ${e.path}`)).toEqual([
      'a.yaml:5:27 checks[0]',
      'b.yaml:5:5 checks[0]',
      'gate.yaml:1:7 gate',
      'gate.yaml:3:16 needs[1]',
      'gate.yaml:6:5 suites[1]',
    ]);
    expect(result.errors[3]!.message).toContain("unknown value 'acuracy' (did you mean 'accuracy'?)");
    expect(result.errors[4]!.message).toContain('suite file not found');
  });

  it('rejects two suites with the same name', () => {
    const dir = project({ 'gate.yaml': 'gate: 2\ntitle: X\nsuites: [a.yaml, b.yaml]\n', 'a.yaml': bench('same'), 'b.yaml': bench('same') });
    const result = loadGate(path.join(dir, 'gate.yaml'), { env: {} });
    if (result.ok) throw new Error('loaded');
    expect(result.errors).toEqual([expect.objectContaining({ line: 3, col: 18, path: 'suites[1]', message: "suite name 'same' is already used by a.yaml" })]);
  });
});
