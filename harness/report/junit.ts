// junit.xml for CI test panels: a <testsuite> per suite, a <testcase> per check. An inconclusive
// check is <skipped> (not enough evidence is not a pass), an errored suite is one <error> case.
import { join } from 'node:path';
import type { CheckResult, RunReport, SuiteResult } from '../result.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import type { Reporter } from './reporter.ts';

export const JUNIT_FILE = 'junit.xml';

export function createJunitReporter(): Reporter {
  return {
    name: 'junit',
    async onRunEnd(report, outDir) {
      await writeFileAtomic(join(outDir, JUNIT_FILE), renderJunit(report));
    },
  };
}

// XML 1.0 forbids these control characters even as references; they would make the file unparseable.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text and attribute values; newlines and tabs in attributes survive as references. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Element content keeps real newlines (multi-line details stay readable). */
function escapeXmlText(text: string): string {
  return text.replace(INVALID_XML_CHARS, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

type Attrs = Record<string, string | number | undefined>;

function attrs(values: Attrs): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

interface Counts { tests: number; failures: number; errors: number; skipped: number }

interface Case { xml: string; counts: Counts }

function checkCase(suite: SuiteResult, check: CheckResult): Case {
  const head = `<testcase${attrs({ classname: suite.name, name: check.source, file: check.position?.file, line: check.position?.line })}`;
  const counts: Counts = { tests: 1, failures: 0, errors: 0, skipped: 0 };
  if (check.status === 'pass') return { xml: `${head}/>`, counts };
  if (check.status === 'fail') {
    counts.failures = 1;
    return { xml: `${head}><failure${attrs({ message: check.detail, type: 'check' })}>${escapeXmlText(check.detail)}</failure></testcase>`, counts };
  }
  counts.skipped = 1;
  const why = `inconclusive: ${check.detail}`;
  return { xml: `${head}><skipped${attrs({ message: why })}/></testcase>`, counts };
}

function suiteCases(suite: SuiteResult): Case[] {
  if (suite.outcome === 'error') {
    const reason = suite.reason ?? 'the suite could not run (no reason given)';
    const xml =
      `<testcase${attrs({ classname: suite.name, name: `${suite.name} (${suite.kind})`, file: suite.file, time: seconds(suite.durationMs) })}>` +
      `<error${attrs({ message: reason, type: 'suite-error' })}>${escapeXmlText(reason)}</error></testcase>`;
    return [{ xml, counts: { tests: 1, failures: 0, errors: 1, skipped: 0 } }];
  }
  return suite.checks.map((check) => checkCase(suite, check));
}

function properties(report: RunReport, suite?: SuiteResult): string {
  const props: [string, string][] = [
    ['embedgate.runId', report.runId],
    ['embedgate.verdict', report.verdict],
    ['embedgate.exitCode', String(report.exitCode)],
    ['embedgate.status', report.status],
  ];
  if (report.gate) props.push(['embedgate.gate', `${report.gate.number} ${report.gate.title}`]);
  if (report.gate?.order) props.push(['embedgate.gateOrder', report.gate.order.status === 'in-order' ? 'in-order' : report.gate.order.note]);
  if (suite) {
    props.push(['embedgate.kind', suite.kind], ['embedgate.target', suite.target.ref]);
    if (suite.compare) props.push(['embedgate.compare', suite.compare.ref]);
  }
  const models = suite
    ? [suite.target.model, suite.compare?.model].filter((m) => m !== undefined)
    : report.provenance.models;
  for (const model of models) props.push([`model.${model.name}.sha256`, model.sha256]);
  return `<properties>${props.map(([name, value]) => `<property${attrs({ name, value })}/>`).join('')}</properties>`;
}

function testsuite(name: string, report: RunReport, cases: Case[], extra: Attrs, suite?: SuiteResult): { xml: string; counts: Counts } {
  const counts = sum(cases.map((c) => c.counts));
  const xml =
    `  <testsuite${attrs({ name, ...counts, ...extra })}>\n` +
    `    ${properties(report, suite)}\n` +
    cases.map((c) => `    ${c.xml}\n`).join('') +
    `  </testsuite>\n`;
  return { xml, counts };
}

/** Run-level problems that belong to no suite: missing suite kinds of the gate, harness errors. */
function runCases(report: RunReport): Case[] {
  const cases: Case[] = [];
  const gate = report.gate;
  for (const kind of gate?.missingKinds ?? []) {
    const message = `inconclusive: gate ${gate?.number} needs a '${kind}' suite and none ran`;
    cases.push({
      xml: `<testcase${attrs({ classname: 'embedgate', name: `suite kind: ${kind}` })}><skipped${attrs({ message })}/></testcase>`,
      counts: { tests: 1, failures: 0, errors: 0, skipped: 1 },
    });
  }
  report.harnessErrors.forEach((error, i) => {
    cases.push({
      xml: `<testcase${attrs({ classname: 'embedgate', name: `harness error ${i + 1}` })}><error${attrs({ message: error, type: 'harness-error' })}>${escapeXmlText(error)}</error></testcase>`,
      counts: { tests: 1, failures: 0, errors: 1, skipped: 0 },
    });
  });
  return cases;
}

export function renderJunit(report: RunReport): string {
  const suites = report.suites.map((suite) =>
    testsuite(suite.name, report, suiteCases(suite), { timestamp: suite.startedAt, time: seconds(suite.durationMs), file: suite.file }, suite),
  );
  const run = runCases(report);
  if (run.length > 0) suites.push(testsuite('embedgate', report, run, { timestamp: report.startedAt, time: '0.000' }));
  const totals = sum(suites.map((s) => s.counts));
  const title = report.gate ? `embedgate gate ${report.gate.number}: ${report.gate.title}` : 'embedgate';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attrs({ name: title, ...totals, time: seconds(report.durationMs), timestamp: report.startedAt })}>\n` +
    suites.map((s) => s.xml).join('') +
    '</testsuites>\n'
  );
}

function sum(all: Counts[]): Counts {
  return all.reduce(
    (a, c) => ({ tests: a.tests + c.tests, failures: a.failures + c.failures, errors: a.errors + c.errors, skipped: a.skipped + c.skipped }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
}
