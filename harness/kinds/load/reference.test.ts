// End to end through the CLI: a load suite with a reference: server. Through http, the reference's
// metrics are the reference. scope and a target slower than it fails `throughput.rps >= 90% *
// reference.throughput.rps`; through a command, the harness starts the reference itself and kills
// it when the suite ends or the run is interrupted. Phases are short: this proves the wiring and
// the cleanup, it measures no speed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../http-client/testing/processes.ts';
import { REPO_ROOT } from '../../paths.ts';
import type { RunReport } from '../../result.ts';
import { startMisbehavingServer, type RunningMisbehavingServer } from '../../http-client/testing/misbehaving-server.ts';

const SERVER = join(REPO_ROOT, 'harness/http-client/testing/misbehaving-server.ts');
const BIN = join(REPO_ROOT, 'bin', 'embedgate.mjs');
const COMMAND = `[${process.execPath}, --import, tsx, ${SERVER}, --delay-ms, '2', --lanes, '4', --port, '{port}']`;
const PHASES = 'load: { phases: [sequential, closed], connections: 8, duration: 400ms, warmup: 100ms, rounds: 2, repeatShare: 0 }';

let work: string;
let slow: RunningMisbehavingServer;
let fast: RunningMisbehavingServer;


interface Ran {
  code: number | null;
  report: RunReport | undefined;
  events: string;
}

/** Runs the suite; `interrupt` sends SIGINT once the run's events match it. */
function run(yaml: string, interrupt?: RegExp): Promise<Ran> {
  const suite = join(work, `s${readdirSync(work).length}.yaml`);
  writeFileSync(suite, yaml);
  const out = mkdtempSync(join(work, 'out-'));
  const child: ChildProcess = spawn(process.execPath, [BIN, 'run', suite, '--out', out], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
  const read = (f: string) => {
    const dir = readdirSync(out)[0];
    try {
      return dir === undefined ? undefined : readFileSync(join(out, dir, f), 'utf8');
    } catch {
      return undefined;
    }
  };
  const watch = interrupt
    ? setInterval(() => {
        if (interrupt.test(read('events.jsonl') ?? '')) {
          clearInterval(watch);
          child.kill('SIGINT');
        }
      }, 100)
    : undefined;
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearInterval(watch);
      const report = read('report.json');
      resolve({ code, report: report ? (JSON.parse(report) as RunReport) : undefined, events: read('events.jsonl') ?? '' });
    }),
  );
}

const referencePid = (events: string) => Number(/reference: .*?\(pid (\d+)\)/.exec(events)?.[1]);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'embedgate-reference-'));
  [slow, fast] = await Promise.all([startMisbehavingServer({ delayMs: 20, lanes: 1 }), startMisbehavingServer({ delayMs: 2, lanes: 4 })]);
});

afterAll(async () => {
  await Promise.all([slow?.close(), fast?.close()]);
});

describe('load suite with a reference server', () => {
  it('reads reference.* and fails a target slower than 90 % of the reference', async () => {
    const r = await run(`suite: ref-http
kind: load
target: { http: ${slow.url} }
reference: { http: ${fast.url} }
${PHASES}
checks:
  - throughput.rps >= 90% * reference.throughput.rps
  - errors.rate < 1%
  - reference.errors.rate < 1%
`);
    expect(r.code).toBe(1);
    const suite = r.report!.suites[0]!;
    expect(suite.checks.map((c) => [c.source, c.status])).toEqual([
      ['throughput.rps >= 90% * reference.throughput.rps', 'fail'],
      ['errors.rate < 1%', 'pass'],
      ['reference.errors.rate < 1%', 'pass'],
      ['responses.invalid == 0', 'pass'],
      ['reference.responses.invalid == 0', 'pass'],
    ]);
    expect(suite.referenceMetrics?.['throughput.rps']?.value).toBeGreaterThan(suite.metrics['throughput.rps']!.value);
    expect(suite.referenceMetrics?.['responses.checked']?.value).toBeGreaterThan(0);
    expect(suite.metrics['throughput.rps.vs_reference']?.value).toBeLessThan(0.9);
    expect(suite.details?.['comparedAgainst']).toBe(`the reference server, ${fast.url} (reference.*), and no in-process ceiling (the target is not a gguf target)`);
    // Interleaved: the reference's phases come right after the target's, round by round.
    const order = [...r.events.matchAll(/"message":"(http:\S+|reference:\S+) (sequential|closed):/g)].map((m) => `${m[1]!.startsWith('reference') ? 'R' : 'B'}${m[2]![0]}`);
    expect(order).toEqual(['Bs', 'Rs', 'Bs', 'Rs', 'Bc', 'Rc', 'Bc', 'Rc']);
  });

  it('starts a reference from its command and kills it when the suite ends', async () => {
    const r = await run(`suite: ref-command
kind: load
target: { http: ${fast.url} }
reference: { command: ${COMMAND} }
load: { phases: [closed], connections: 8, duration: 400ms, warmup: 100ms, rounds: 1, repeatShare: 0 }
checks:
  - throughput.rps >= 10% * reference.throughput.rps
`);
    expect(r.code).toBe(0);
    const pid = referencePid(r.events);
    expect(pid).toBeGreaterThan(0);
    expect((r.report!.suites[0]!.details?.['reference'] as { servePid: number }).servePid).toBe(pid);
    expect(isAlive(pid)).toBe(false);
  });

  it('kills the reference when the run is interrupted', async () => {
    const r = await run(
      `suite: ref-interrupted
kind: load
target: { http: ${fast.url} }
reference: { command: ${COMMAND} }
load: { phases: [closed], connections: 8, duration: 30s, warmup: 200ms, rounds: 2 }
`,
      /reference: .*\(pid \d+\)/,
    );
    const pid = referencePid(r.events);
    expect(pid).toBeGreaterThan(0);
    expect(r.code).toBe(3);
    expect(isAlive(pid)).toBe(false);
  });
});
