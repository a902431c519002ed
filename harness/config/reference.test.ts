// The `reference:` entry and the `reference.` scope at load time: a check that reads the reference
// needs one, only load suites take one, and a command must say where its server listens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedgate-reference-'));
let n = 0;
function load(yaml: string) {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, yaml);
  return loadSuite(file, { env: {} });
}
const errorsOf = (yaml: string) => {
  const r = load(yaml);
  return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`);
};

const LOAD = `suite: s
kind: load
target: { http: http://127.0.0.1:9 }
load: { phases: [closed] }
`;

describe('reference: in suites', () => {
  it('a check reading reference. without reference: is an error at the metric', () => {
    expect(errorsOf(`${LOAD}checks:\n  - throughput.rps >= 90% * reference.throughput.rps\n`)).toEqual([
      "6:29 checks[0]: 'reference.throughput.rps' reads the reference server, but the suite has no reference:",
    ]);
  });

  it('with an http reference, reference.* is checked against the load catalog and planned', () => {
    const ok = load(`${LOAD}reference: { http: http://127.0.0.1:8080, model: m }\nchecks:\n  - throughput.rps >= 90% * reference.throughput.rps\n`);
    expect(ok.ok && ok.plan.reference).toEqual({ type: 'http', http: { url: 'http://127.0.0.1:8080', model: 'm' }, position: expect.anything() });
    expect(errorsOf(`${LOAD}reference: { http: http://127.0.0.1:8080 }\nchecks:\n  - reference.thruput > 0\n`)[0]).toContain("unknown metric 'reference.thruput' for kind load");
  });

  it('only load suites take one, with exactly one of http and command', () => {
    expect(errorsOf(`suite: s\nkind: bench\ntarget: { http: http://127.0.0.1:9 }\nreference: { http: http://127.0.0.1:8080 }\n`)).toEqual([
      '4:1 reference: reference: is read by load suites only; a suite of kind bench would never drive it',
    ]);
    expect(errorsOf(`${LOAD}reference: { http: http://127.0.0.1:8080, command: [x, '{port}'] }\n`)[0]).toContain('reference must have exactly one of http and command, found both');
    expect(errorsOf(`${LOAD}reference: { http: http://127.0.0.1:8080, port: 80 }\n`)[0]).toContain("'port' applies to a reference started from a command only");
  });

  it('a command must say where it listens, name a binary that exists, and fill {model} only from a gguf target', () => {
    const errors = errorsOf(`${LOAD}reference: { command: [./no-such-server, -m, '{model}'] }\n`);
    expect(errors).toEqual([
      expect.stringContaining('reference.command: the command has no {port} and reference: no port'),
      expect.stringContaining("reference.command: {model} is the target's GGUF file, but the target is http, not gguf"),
      expect.stringContaining(`reference.command[0]: ${join(dir, 'no-such-server')} does not exist`),
    ]);
    const ok = load(`${LOAD}reference: { command: [${process.execPath}, server.js, --port, '{port}'], readyTimeout: 30s }\n`);
    expect(ok.ok && ok.plan.reference).toMatchObject({ type: 'command', command: [process.execPath, 'server.js', '--port', '{port}'], ready: '/health', readyTimeoutMs: 30_000 });
  });
});
