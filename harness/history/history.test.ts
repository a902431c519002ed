// History lines: headline metrics chosen from the checks first, each line bounded, unreadable
// lines skipped with a warning naming file and line, and the trend drawn from the same series only.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReport, makeSuite } from '../report/sample-reports.ts';
import type { Metrics } from '../result.ts';
import { headlineMetrics, MAX_HEADLINE } from './headline.ts';
import { appendHistory, historyEntries, historyFile, MAX_ENTRY_BYTES, readHistory } from './history.ts';
import { historyTrendHtml } from './trend.ts';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('run history', () => {
  it('leads with the metrics the checks judge, then the usual summary numbers, at most MAX_HEADLINE', () => {
    const metrics: Metrics = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`m${i}.latency.p95`, { value: i, unit: 'ms' as const }]));
    metrics['odd.count'] = { value: 3, unit: 'count' };
    const suite = makeSuite({ metrics, checks: [{ source: 'odd.count == 3', status: 'pass', operator: '==', detail: '' }] });
    const names = Object.keys(headlineMetrics(suite));
    expect(names[0]).toBe('odd.count');
    expect(names).toHaveLength(MAX_HEADLINE);
  });

  it('keeps every line under MAX_ENTRY_BYTES whatever the metric names', () => {
    const long = 'x'.repeat(600);
    const metrics: Metrics = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`${long}${i}.latency.p95`, { value: i, unit: 'ms' as const }]));
    const entries = historyEntries(makeReport({ suites: [makeSuite({ metrics })] }), '/r/run', '/r');
    expect(Buffer.byteLength(JSON.stringify(entries[0]))).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(Object.keys(entries[0]!.metrics).length).toBeGreaterThan(0);
  });

  it('skips a torn or foreign line with a warning naming it, and draws the trend of the same series only', () => {
    dir = mkdtempSync(join(tmpdir(), 'embedgate-history-'));
    const suite = makeSuite({ metrics: { 'latency.p95': { value: 10, unit: 'ms' } } });
    for (let i = 0; i < 3; i++) appendHistory(makeReport({ runId: `run-${i}`, finishedAt: `2026-01-0${i + 1}T00:00:00.000Z`, suites: [suite] }), join(dir, `run-${i}`), dir);
    appendFileSync(historyFile(dir), '{"v":1,"runId":\n["not", "an", "entry"]\n');
    const other = makeSuite({ name: 'other-suite', metrics: { 'latency.p95': { value: 99, unit: 'ms' } } });
    appendHistory(makeReport({ runId: 'run-x', suites: [other] }), join(dir, 'run-x'), dir);
    const read = readHistory(historyFile(dir));
    expect(read.entries).toHaveLength(4);
    expect(read.warnings).toEqual([`${historyFile(dir)}:4: not valid JSON (a torn or hand-edited line); skipped`, `${historyFile(dir)}:5: not a JSON object; skipped`]);

    const now = makeReport({ runId: 'run-now', finishedAt: '2026-02-01T00:00:00.000Z', suites: [suite] });
    const html = historyTrendHtml(now, historyFile(dir));
    expect(html).toContain('data-metric="latency.p95" data-runs="4"');
    expect(html).toContain('2 unreadable history line(s) skipped');
  });

  it('says there is no history yet on a clean reports root', () => {
    dir = mkdtempSync(join(tmpdir(), 'embedgate-history-'));
    const html = historyTrendHtml(makeReport({ suites: [makeSuite({ metrics: { 'latency.p95': { value: 10, unit: 'ms' } } })] }), historyFile(dir));
    expect(html).toContain('No earlier run of this suite with these models');
    expect(html).toContain('data-runs="1"');
  });
});
