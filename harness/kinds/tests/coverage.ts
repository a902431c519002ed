// A coverage report in any of the formats the kind reads, chosen by the suite's `format:` or, by
// default, from the content: JSON is istanbul's json-summary, XML is Cobertura, TAG: lines are lcov.
import { parseCobertura } from './cobertura.ts';
import type { CoverageFormat, CoverageSummary } from './coverage-summary.ts';
import { parseJsonSummary } from './json-summary.ts';
import { parseLcov } from './lcov.ts';
import { ReportError } from './report-error.ts';

export function detectFormat(file: string, content: string): Exclude<CoverageFormat, 'auto'> {
  const start = content.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{')) return 'json-summary';
  if (start.startsWith('<')) return 'cobertura';
  if (/^(TN|SF|VER):/.test(start)) return 'lcov';
  throw new ReportError(file, `cannot tell the coverage format: it starts with "${start.slice(0, 40)}", which is neither lcov (TN:/SF:), Cobertura XML nor istanbul json-summary; set format: in the suite`, 1);
}

export function parseCoverage(file: string, content: string, format: CoverageFormat): CoverageSummary {
  const chosen = format === 'auto' ? detectFormat(file, content) : format;
  if (chosen === 'lcov') return parseLcov(file, content);
  if (chosen === 'cobertura') return parseCobertura(file, content);
  return parseJsonSummary(file, content);
}
