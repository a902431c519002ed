import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmitFn, HarnessEvent } from '../events.ts';
import { EVENT_LOG_FILE, createEventLog, readEventLog } from './event-log.ts';
import { parseRunReport } from './json.ts';
import { createReporterMux } from './reporter.ts';
import { REPORTS_DIR_ENV, ReporterConfigError, parseReporterNames, resolveOutputRoot, resolveReporters } from './registry.ts';
import { failReport } from './sample-reports.ts';

const sink = { write: () => true, isTTY: false };

describe('reporter registry', () => {
  it('resolves the reports dir: option > env > ./reports', () => {
    expect(resolveOutputRoot(undefined, {}, '/w')).toBe('/w/reports');
    expect(resolveOutputRoot(undefined, { [REPORTS_DIR_ENV]: 'out' }, '/w')).toBe('/w/out');
    expect(resolveOutputRoot('mine', { [REPORTS_DIR_ENV]: '/abs' }, '/w')).toBe('/w/mine');
    expect(resolveOutputRoot(undefined, { [REPORTS_DIR_ENV]: '/abs' }, '/w')).toBe('/abs');
  });

  it('rejects unknown reporter names all at once, listing the known ones', () => {
    expect(parseReporterNames('json, junit,json')).toEqual(['json', 'junit']);
    expect(() => parseReporterNames(['json', 'xml', 'tap'])).toThrow(ReporterConfigError);
    expect(() => resolveReporters('json,xml,tap')).toThrow('unknown reporter "xml", "tap"; known reporters: console, json, junit, markdown, html');
  });

  it('writes every report file of a run, the console last', async () => {
    const outDir = join(mkdtempSync(join(tmpdir(), 'embedgate-reports-')), 'run-1');
    const reporters = resolveReporters('console,json,junit,markdown,html', { console: { out: sink, err: sink, env: {} } });
    expect(reporters.map((r) => r.name)).toEqual(['json', 'junit', 'markdown', 'html', 'console']);

    // Wired as the run loop does: every event to events.jsonl first, then to the reporters.
    const log = createEventLog(join(outDir, EVENT_LOG_FILE));
    const mux = createReporterMux(reporters);
    const emit: EmitFn = (partial) => {
      const event = { ...partial, time: new Date().toISOString() } as HarnessEvent;
      log.append(event);
      mux.emit(event);
    };
    const report = failReport();
    emit({ type: 'run-start', runId: report.runId, outDir, suites: [{ name: 'load-100', kind: 'load', file: 'load.yaml' }] });
    emit({ type: 'suite-start', suite: 'load-100', kind: 'load', target: report.suites[0]!.target });
    emit({ type: 'suite-end', result: report.suites[0]! });
    emit({ type: 'run-end', report });
    const final = await mux.end(report, outDir);
    log.close();

    expect(final.harnessErrors).toEqual([]);
    expect(readdirSync(outDir).sort()).toEqual(['events.jsonl', 'junit.xml', 'report.html', 'report.json', 'summary.md']);
    expect(parseRunReport(readFileSync(join(outDir, 'report.json'), 'utf8')).verdict).toBe('fail');
    // Times are volatile: compare the sequence of types and the final report instead.
    const { events } = readEventLog(join(outDir, EVENT_LOG_FILE));
    expect(events.map((e) => e.type)).toEqual(['run-start', 'suite-start', 'suite-end', 'run-end']);
  });
});
