// istanbul's json-summary (coverage-summary.json), as nyc, c8, jest and vitest write it with the
// json-summary reporter: { total: { lines, statements, functions, branches: { total, covered } }, <file>: … }.
import type { Counted, CoverageSummary, FileCoverage } from './coverage-summary.ts';
import { ReportError } from './report-error.ts';

function counted(file: string, where: string, value: unknown, required: boolean): Counted | undefined {
  if (value === undefined && !required) return undefined;
  const v = value as { total?: unknown; covered?: unknown } | undefined;
  if (typeof v !== 'object' || v === null || typeof v.total !== 'number' || typeof v.covered !== 'number' || v.total < 0 || v.covered < 0 || v.covered > v.total) {
    throw new ReportError(file, `${where} must be { total, covered } with 0 <= covered <= total, got ${JSON.stringify(value)?.slice(0, 120)}`);
  }
  return { covered: v.covered, total: v.total };
}

export function parseJsonSummary(file: string, content: string): CoverageSummary {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (err) {
    // V8 says "at position N" (and, from Node 22, line and column); give the line either way.
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? content.slice(0, Number(at[1])).split('\n').length : undefined;
    throw new ReportError(file, `not valid JSON: ${message}`, line);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof (data as Record<string, unknown>)['total'] !== 'object') {
    throw new ReportError(file, 'not an istanbul json-summary: no "total" entry at the top level');
  }
  const entries = data as Record<string, Record<string, unknown>>;
  const total = entries['total']!;
  const files: FileCoverage[] = Object.entries(entries)
    .filter(([name]) => name !== 'total')
    .map(([name, e]) => ({ file: name, lines: counted(file, `${name}.lines`, e['lines'], true)! }));
  const branches = counted(file, 'total.branches', total['branches'], false);
  const functions = counted(file, 'total.functions', total['functions'], false);
  return {
    format: 'json-summary',
    lines: counted(file, 'total.lines', total['lines'], true)!,
    ...(branches ? { branches } : {}),
    ...(functions ? { functions } : {}),
    files,
  };
}
