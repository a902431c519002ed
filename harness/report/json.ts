// report.json: the RunReport itself, pretty-printed and written atomically, so tools (and people)
// can read it back. Its schemaVersion is what makes a reshape fail loudly.
import { join } from 'node:path';
import { REPORT_SCHEMA_VERSION, type RunReport } from '../result.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import type { Reporter } from './reporter.ts';

export const JSON_REPORT_FILE = 'report.json';

export function createJsonReporter(): Reporter {
  return {
    name: 'json',
    async onRunEnd(report, outDir) {
      await writeFileAtomic(join(outDir, JSON_REPORT_FILE), JSON.stringify(report, null, 2) + '\n');
    },
  };
}

/** Parses a report.json, refusing one written by another schema version instead of misreading it. */
export function parseRunReport(text: string, source = JSON_REPORT_FILE): RunReport {
  const data = JSON.parse(text) as Partial<RunReport> | null;
  if (data === null || typeof data !== 'object' || !('schemaVersion' in data)) {
    throw new Error(`${source}: not an embedgate report (no schemaVersion)`);
  }
  if (data.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new Error(
      `${source}: report schema version ${String(data.schemaVersion)}, this embedgate reads version ${REPORT_SCHEMA_VERSION}; ` +
        're-run the suites or use the embedgate version that wrote it',
    );
  }
  return data as RunReport;
}
