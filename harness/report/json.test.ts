import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_VERSION } from '../result.ts';
import { JSON_REPORT_FILE, createJsonReporter, parseRunReport } from './json.ts';
import { erroredReport, failReport } from './sample-reports.ts';

describe('report.json', () => {
  it('round-trips the RunReport with its schemaVersion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-json-'));
    for (const report of [failReport(), erroredReport()]) {
      await createJsonReporter().onRunEnd?.(report, dir);
      const text = readFileSync(join(dir, JSON_REPORT_FILE), 'utf8');
      expect(text).toContain('\n  "schemaVersion": 1,'); // pretty-printed, version first
      const back = parseRunReport(text);
      expect(back.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
      expect(back).toEqual(JSON.parse(JSON.stringify(report)));
    }
    expect(readdirSync(dir)).toEqual([JSON_REPORT_FILE]);
  });

  it('refuses another schema version instead of misreading it', () => {
    const other = JSON.stringify({ ...failReport(), schemaVersion: 99 });
    expect(() => parseRunReport(other, 'old/report.json')).toThrow(/old\/report.json: report schema version 99, this embedgate reads version 1/);
    expect(() => parseRunReport('{"runId":"x"}')).toThrow(/no schemaVersion/);
  });
});
