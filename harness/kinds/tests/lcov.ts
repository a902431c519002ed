// lcov tracefiles (geninfo format), as cargo llvm-cov --lcov, c8, istanbul, vitest and
// coverage.py (coverage lcov) write them: records SF: … end_of_record with DA (line hits),
// BRDA (branch taken), FN/FNDA (functions) and the LF/LH, BRF/BRH, FNF/FNH totals. A file that
// appears in several records (several test runs appended) is merged line by line.
import { add, none, type Counted, type CoverageSummary } from './coverage-summary.ts';
import { ReportError } from './report-error.ts';

interface FileRecord {
  lines: Map<number, number>;
  branches: Map<string, number>;
  functions: Map<string, number>;
  /** The record's own totals, used when it lists no DA/BRDA/FNDA entries. */
  totals: { lines?: Counted; branches?: Counted; functions?: Counted };
}

const TAG = /^([A-Z][A-Z_]*):(.*)$/;

function numbers(file: string, lineNo: number, tag: string, fields: string[], count: number): number[] {
  const out = fields.slice(0, count).map((f) => (f === '-' ? 0 : Number(f)));
  if (fields.length < count || out.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new ReportError(file, `malformed ${tag} entry "${tag}:${fields.join(',')}": expected ${count} comma-separated numbers`, lineNo);
  }
  return out;
}

export function parseLcov(file: string, content: string): CoverageSummary {
  const records = new Map<string, FileRecord>();
  let current: FileRecord | undefined;
  let currentName = '';
  let lastOpened = 0;
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '') return;
    if (line === 'end_of_record') {
      if (!current) throw new ReportError(file, 'end_of_record without an SF: line opening the record', lineNo);
      current = undefined;
      return;
    }
    const m = TAG.exec(line);
    if (!m) throw new ReportError(file, `not an lcov line: "${line.slice(0, 80)}" (expected TAG:value, e.g. SF:, DA:, end_of_record)`, lineNo);
    const [, tag, value] = m as unknown as [string, string, string];
    if (tag === 'TN' || tag === 'VER') return;
    if (tag === 'SF') {
      if (current) throw new ReportError(file, `SF:${value} opens a record before the previous one (${currentName}) ended with end_of_record`, lineNo);
      currentName = value;
      lastOpened = lineNo;
      current = records.get(value) ?? { lines: new Map(), branches: new Map(), functions: new Map(), totals: {} };
      records.set(value, current);
      return;
    }
    if (!current) throw new ReportError(file, `${tag}: outside a record (no SF: line before it)`, lineNo);
    const fields = value.split(',');
    switch (tag) {
      case 'DA': {
        const [n, hits] = numbers(file, lineNo, tag, fields, 2) as [number, number];
        current.lines.set(n, (current.lines.get(n) ?? 0) + hits);
        break;
      }
      case 'BRDA': {
        // BRDA:<line>,<block>,<branch>,<taken> ('-': the line never ran); block and branch are ids.
        if (fields.length < 4) numbers(file, lineNo, tag, fields, 4);
        const [n] = numbers(file, lineNo, tag, fields, 1) as [number];
        const [taken] = numbers(file, lineNo, tag, fields.slice(3), 1) as [number];
        const key = `${n},${fields[1]},${fields[2]}`;
        current.branches.set(key, (current.branches.get(key) ?? 0) + taken);
        break;
      }
      case 'FN': {
        // FN:<line>,<name> (lcov 2 also FN:<line>,<end>,<name>)
        const name = fields.slice(fields.length >= 3 ? 2 : 1).join(',');
        if (!current.functions.has(name)) current.functions.set(name, 0);
        break;
      }
      case 'FNDA': {
        const [hits] = numbers(file, lineNo, tag, fields, 1) as [number];
        const name = fields.slice(1).join(',');
        current.functions.set(name, (current.functions.get(name) ?? 0) + hits);
        break;
      }
      case 'LF':
      case 'LH':
      case 'BRF':
      case 'BRH':
      case 'FNF':
      case 'FNH': {
        const [n] = numbers(file, lineNo, tag, fields, 1) as [number];
        const key = tag.startsWith('L') ? 'lines' : tag.startsWith('B') ? 'branches' : 'functions';
        const counted = (current.totals[key] ??= none());
        if (tag.endsWith('F')) counted.total = n;
        else counted.covered = n;
        break;
      }
      default:
        // Other tags (FNL, FNA of lcov 2, MD5 checksums) carry nothing counted here.
        break;
    }
  });
  if (current) throw new ReportError(file, `the record of ${currentName} opened at line ${lastOpened} never ends (no end_of_record): the file is truncated`, lines.length);
  if (records.size === 0) throw new ReportError(file, 'no SF: record: not an lcov tracefile, or one that covers no file');

  const summary: CoverageSummary = { format: 'lcov', lines: none(), branches: none(), functions: none(), files: [] };
  let anyBranches = false;
  let anyFunctions = false;
  for (const [name, r] of records) {
    const lines = r.lines.size > 0 ? count(r.lines) : (r.totals.lines ?? none());
    const branches = r.branches.size > 0 ? count(r.branches) : r.totals.branches;
    const functions = r.functions.size > 0 ? count(r.functions) : r.totals.functions;
    summary.lines = add(summary.lines, lines);
    if (branches) {
      anyBranches = true;
      summary.branches = add(summary.branches!, branches);
    }
    if (functions) {
      anyFunctions = true;
      summary.functions = add(summary.functions!, functions);
    }
    summary.files.push({ file: name, lines });
  }
  if (!anyBranches) delete summary.branches;
  if (!anyFunctions) delete summary.functions;
  return summary;
}

function count(hits: Map<unknown, number>): Counted {
  let covered = 0;
  for (const h of hits.values()) if (h > 0) covered++;
  return { covered, total: hits.size };
}
