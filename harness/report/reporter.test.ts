import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../events.ts';
import { createJsonReporter, parseRunReport } from './json.ts';
import { EXIT } from '../exit-codes.ts';
import { createReporterMux, type Reporter } from './reporter.ts';
import { makeReport, makeSuite } from './sample-reports.ts';

const quiet = { printError: () => {} };

/** Records which hooks ran, in order. */
function recorder(name: string, seen: string[]): Reporter {
  return {
    name,
    onEvent: (e) => void seen.push(`${name}:event:${e.type}`),
    onRunStart: () => void seen.push(`${name}:runStart`),
    onSuiteStart: () => void seen.push(`${name}:suiteStart`),
    onProgress: () => void seen.push(`${name}:progress`),
    onSample: () => void seen.push(`${name}:sample`),
    onLog: () => void seen.push(`${name}:log`),
    onSuiteEnd: () => void seen.push(`${name}:suiteEnd`),
    onRunEnd: () => void seen.push(`${name}:runEnd`),
  };
}

function emitRun(mux: ReturnType<typeof createReporterMux>): void {
  mux.emit({ type: 'run-start', runId: 'r', outDir: '/tmp/never-written', suites: [] });
  mux.emit({ type: 'suite-start', suite: 's', kind: 'bench', target: { ref: 'gguf:candidate', kind: 'gguf' } });
  mux.emit({ type: 'progress', suite: 's', phase: 'run', done: 1, total: 2 });
  mux.emit({ type: 'sample', suite: 's', name: 'latency', value: 1, unit: 'ms' });
  mux.emit({ type: 'log', level: 'info', message: 'hi' });
  mux.emit({ type: 'suite-end', result: makeSuite() });
}

describe('createReporterMux', () => {
  it('dispatches each event to its hook and stamps the time', async () => {
    const seen: string[] = [];
    const events: HarnessEvent[] = [];
    const mux = createReporterMux([recorder('a', seen), { name: 'b', onEvent: (e) => void events.push(e) }], quiet);
    emitRun(mux);
    const report = await mux.end(makeReport());
    expect(seen.filter((s) => !s.includes(':event:'))).toEqual(['a:runStart', 'a:suiteStart', 'a:progress', 'a:sample', 'a:log', 'a:suiteEnd', 'a:runEnd']);
    expect(events.map((e) => e.type)).toEqual(['run-start', 'suite-start', 'progress', 'sample', 'log', 'suite-end', 'run-end']);
    expect(events.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(report.harnessErrors).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it('records throwing reporters in harnessErrors, prints them, and still runs the others', async () => {
    const seen: string[] = [];
    const printed: string[] = [];
    const throwsSync: Reporter = { name: 'sync-thrower', onSuiteEnd: () => { throw new Error('boom in suite end'); } };
    const rejects: Reporter = { name: 'async-thrower', onRunEnd: async () => { throw new Error('disk full'); } };
    const rejectsLater: Reporter = { name: 'late', onSample: () => Promise.reject(new Error('late failure')) };
    const mux = createReporterMux([throwsSync, recorder('a', seen), rejects, rejectsLater, recorder('b', seen)], {
      printError: (message) => void printed.push(message),
    });
    emitRun(mux);
    const report = await mux.end(makeReport());
    expect(report.harnessErrors).toEqual([
      'reporter "sync-thrower" failed in onSuiteEnd: boom in suite end',
      'reporter "late" failed in onSample: late failure',
      'reporter "async-thrower" failed in onRunEnd: disk full',
    ]);
    expect(printed).toEqual(report.harnessErrors);
    expect(report.exitCode).toBe(EXIT.inconclusive);
    expect(report.verdict).toBe('pass'); // the gate's verdict is printed as is; the exit code fails the run
    expect(seen).toContain('a:suiteEnd');
    expect(seen).toContain('b:suiteEnd');
    expect(seen.filter((s) => s === 'b:runEnd')).toHaveLength(1);
    expect(mux.errors).toEqual(report.harnessErrors);
  });

  it('rewrites reports written before a later reporter failed, so report.json shows the failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-mux-'));
    const breaks: Reporter = { name: 'html', onRunEnd: () => { throw new Error('template bug'); } };
    const mux = createReporterMux([createJsonReporter(), breaks], { ...quiet, outDir: dir });
    await mux.end(makeReport());
    const written = parseRunReport(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(written.harnessErrors).toEqual(['reporter "html" failed in onRunEnd: template bug']);
    expect(written.exitCode).toBe(3);
  });

  it('keeps exit code 2 (usage) when a reporter also fails', async () => {
    const mux = createReporterMux([{ name: 'x', onRunEnd: () => { throw 'a string'; } }], { ...quiet, outDir: '/tmp' });
    const report = await mux.end(makeReport({ exitCode: 2 }));
    expect(report.exitCode).toBe(2);
    expect(report.harnessErrors).toEqual(['reporter "x" failed in onRunEnd: a string']);
  });

  it('keeps the time of an already stamped event and sends run-end to onEvent once', async () => {
    const events: HarnessEvent[] = [];
    const mux = createReporterMux([{ name: 'log', onEvent: (e) => void events.push(e) }], quiet);
    const report = makeReport();
    mux.emit({ type: 'log', time: '2025-01-01T00:00:00.000Z', level: 'info', message: 'stamped' });
    mux.emit({ type: 'run-end', time: '2025-01-01T00:00:01.000Z', report });
    await mux.end(report, '/tmp');
    expect(events.map((e) => [e.type, e.time])).toEqual([
      ['log', '2025-01-01T00:00:00.000Z'],
      ['run-end', '2025-01-01T00:00:01.000Z'],
    ]);
  });

  it('says so when it does not know where to write', async () => {
    const mux = createReporterMux([], quiet);
    const report = await mux.end(makeReport());
    expect(report.harnessErrors[0]).toMatch(/no output directory/);
  });
});
