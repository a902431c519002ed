import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderJunit } from './junit.ts';
import { NASTY_DETAIL, NASTY_SOURCE, erroredReport, failReport, inconclusiveReport, makeReport } from './sample-reports.ts';
import type { RunReport } from '../result.ts';

interface Node { [key: string]: unknown }

/** Parses junit.xml by structure: every testsuite/testcase/property is an array, attributes as @_name. */
function parse(report: RunReport): { root: Node; suites: Node[] } {
  const xml = renderJunit(report);
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: false,
    parseTagValue: false,
    htmlEntities: true, // decode numeric references (&#10;) as a real XML parser would
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  });
  const root = (parser.parse(xml) as Node).testsuites as Node;
  return { root, suites: (root.testsuite ?? []) as Node[] };
}

const cases = (suite: Node | undefined) => (suite?.testcase ?? []) as Node[];
const counts = (n: Node | undefined) => ['tests', 'failures', 'errors', 'skipped'].map((k) => Number(n?.[`@_${k}`]));

describe('junit.xml', () => {
  it('reports a pass with run properties and times in seconds', () => {
    const { root, suites } = parse(makeReport());
    expect(counts(root)).toEqual([2, 0, 0, 0]);
    expect(root['@_time']).toBe('5.000');
    expect(suites).toHaveLength(1);
    expect(suites[0]?.['@_time']).toBe('4.321');
    const props = Object.fromEntries(((suites[0]?.properties as Node).property as Node[]).map((p) => [p['@_name'], p['@_value']]));
    expect(props['embedgate.runId']).toBe('2025-01-02T03-04-05Z-abc123');
    expect(props['embedgate.verdict']).toBe('pass');
    expect(props['model.candidate.sha256']).toMatch(/^c0ffee1+$/);
    expect(props['model.baseline.sha256']).toMatch(/^bada552+$/);
    expect(cases(suites[0]).map((c) => c['@_classname'])).toEqual(['bench-single', 'bench-single']);
  });

  it('puts a failing check in <failure> with its detail, escaped', () => {
    const { root, suites } = parse(failReport());
    expect(counts(root)).toEqual([2, 1, 0, 0]);
    const failed = cases(suites[0]).find((c) => c.failure !== undefined);
    expect(failed?.['@_name']).toBe(NASTY_SOURCE);
    expect((failed?.failure as Node)['@_message']).toBe(NASTY_DETAIL);
    expect((failed?.failure as Node)['#text']).toBe(NASTY_DETAIL);
    const raw = renderJunit(failReport());
    expect(raw).toContain('errors.rate &lt; 1% &amp;&amp; &quot;quoted&quot;');
    expect(raw).not.toContain('<b>');
  });

  it('marks inconclusive checks and missing suite kinds as skipped, saying why', () => {
    const { root, suites } = parse(inconclusiveReport());
    expect(counts(root)).toEqual([3, 0, 0, 3]);
    const skipped = suites.flatMap(cases).map((c) => (c.skipped as Node)['@_message']);
    expect(skipped).toEqual([
      'inconclusive: too few samples for p99 (3 < 30)',
      "inconclusive: gate 1 needs a 'memory' suite and none ran",
      "inconclusive: gate 1 needs a 'soak' suite and none ran",
    ]);
  });

  it('turns an errored suite into one <error> case carrying the reason', () => {
    const { root, suites } = parse(erroredReport());
    expect(counts(root)).toEqual([3, 0, 1, 0]);
    const errored = suites.find((s) => s['@_name'] === 'accuracy');
    expect(counts(errored)).toEqual([1, 0, 1, 0]);
    expect((cases(errored)[0]?.error as Node)['@_message']).toBe('model failed to load: /models/<bad>.gguf & tensor table truncated');
  });

  it('reports harness errors and survives control characters', () => {
    const report = makeReport({ harnessErrors: ['reporter "html" failed in onRunEnd: bad \u0001 byte\nsecond line'] });
    const { root, suites } = parse(report);
    expect(counts(root)).toEqual([3, 0, 1, 0]);
    const harness = suites.find((s) => s['@_name'] === 'embedgate');
    expect((cases(harness)[0]?.error as Node)['@_message']).toBe('reporter "html" failed in onRunEnd: bad \uFFFD byte\nsecond line');
  });
});
