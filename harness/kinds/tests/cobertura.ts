// Cobertura XML, as coverage.py (coverage xml), cargo llvm-cov --cobertura, istanbul and gcovr
// write it: <coverage lines-valid lines-covered branches-valid branches-covered> over
// <packages><package><classes><class filename><methods><method><lines><line hits>.
// Lines and branches are counted from the <line> elements (a file's class listed twice is not
// counted twice), falling back on the root's totals; functions are the <method> elements, covered
// when one of their lines ran. coverage.py lists no methods, so it gives no function coverage.
import { add, none, type Counted, type CoverageSummary, type FileCoverage } from './coverage-summary.ts';
import { ReportError } from './report-error.ts';
import { attr, children, numberAttr, parseXml, type XmlNode } from './xml.ts';

const LISTS = ['package', 'class', 'method', 'line'];

/** "50% (1/2)" → 1 of 2. */
function conditions(line: XmlNode): Counted | undefined {
  const m = /\((\d+)\/(\d+)\)/.exec(attr(line, 'condition-coverage') ?? '');
  return m ? { covered: Number(m[1]), total: Number(m[2]) } : undefined;
}

export function parseCobertura(file: string, content: string): CoverageSummary {
  const root = parseXml(file, content, LISTS);
  const coverage = root['coverage'];
  if (typeof coverage !== 'object' || coverage === null) {
    const element = Object.keys(root).find((k) => !k.startsWith('?'));
    throw new ReportError(file, `not a Cobertura report: the root element is <${element ?? '(none)'}>, not <coverage>`);
  }
  const cov = coverage as XmlNode;
  const byFile = new Map<string, { lines: Map<number, number>; branches: Map<number, Counted> }>();
  const functions = none();
  let methods = 0;
  for (const pkg of children(children(cov, 'packages')[0], 'package')) {
    for (const cls of children(children(pkg, 'classes')[0], 'class')) {
      const name = attr(cls, 'filename') ?? attr(cls, 'name') ?? '(unnamed)';
      const entry = byFile.get(name) ?? { lines: new Map(), branches: new Map() };
      byFile.set(name, entry);
      for (const line of children(children(cls, 'lines')[0], 'line')) {
        const n = numberAttr(line, 'number');
        const hits = numberAttr(line, 'hits');
        if (n === undefined || hits === undefined) continue;
        entry.lines.set(n, Math.max(entry.lines.get(n) ?? 0, hits));
        const branch = attr(line, 'branch') === 'true' ? conditions(line) : undefined;
        if (branch) entry.branches.set(n, branch);
      }
      for (const method of children(children(cls, 'methods')[0], 'method')) {
        methods++;
        functions.total++;
        const ran = children(children(method, 'lines')[0], 'line').some((l) => (numberAttr(l, 'hits') ?? 0) > 0) || (numberAttr(method, 'line-rate') ?? 0) > 0;
        if (ran) functions.covered++;
      }
    }
  }
  const files: FileCoverage[] = [];
  let lines = none();
  let branches = none();
  for (const [name, entry] of byFile) {
    const counted = { covered: [...entry.lines.values()].filter((h) => h > 0).length, total: entry.lines.size };
    files.push({ file: name, lines: counted });
    lines = add(lines, counted);
    for (const b of entry.branches.values()) branches = add(branches, b);
  }
  if (lines.total === 0) {
    // No <line> elements: the root's totals are all there is.
    const valid = numberAttr(cov, 'lines-valid');
    const covered = numberAttr(cov, 'lines-covered');
    if (valid === undefined || covered === undefined) throw new ReportError(file, 'the Cobertura report lists no <line> and has no lines-valid/lines-covered totals: nothing is counted');
    lines = { covered, total: valid };
    const bValid = numberAttr(cov, 'branches-valid');
    const bCovered = numberAttr(cov, 'branches-covered');
    if (bValid !== undefined && bCovered !== undefined) branches = { covered: bCovered, total: bValid };
  }
  return {
    format: 'cobertura',
    lines,
    ...(branches.total > 0 ? { branches } : {}),
    ...(methods > 0 ? { functions } : {}),
    files,
  };
}
