// What every coverage format is read into: covered and total lines, branches and functions, and
// the files with the most lines left uncovered (for the report).
export interface Counted {
  covered: number;
  total: number;
}

export interface FileCoverage {
  file: string;
  lines: Counted;
}

export interface CoverageSummary {
  format: 'lcov' | 'cobertura' | 'json-summary';
  lines: Counted;
  /** Absent when the format or the tool that wrote it does not count them (coverage.py without --branch, Cobertura without methods). */
  branches?: Counted;
  functions?: Counted;
  files: FileCoverage[];
}

export const FORMATS = ['auto', 'lcov', 'cobertura', 'json-summary'] as const;
export type CoverageFormat = (typeof FORMATS)[number];

export const add = (a: Counted, b: Counted): Counted => ({ covered: a.covered + b.covered, total: a.total + b.total });
export const none = (): Counted => ({ covered: 0, total: 0 });
