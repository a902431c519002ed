// The "What users will see change" section as html and markdown, from a details.change as the
// retrieval runner writes it: query and document text stay text, a calibration that found no
// candidate threshold says so with no number, and suites without a baseline get no section.
import { describe, expect, it } from 'vitest';
import type { RetrievalChange } from '../kinds/retrieval/change.ts';
import { renderHtml } from './html.ts';
import { renderSummary } from './markdown.ts';
import { retrievalChangeSections } from './retrieval-change.ts';
import { makeReport, makeSuite } from './sample-reports.ts';

const HOSTILE = '<script>window.pwned=1</script>|`x`';

const doc = (id: string, score: number, relevant: boolean) => ({ id, score, snippet: `function ${id}() ${HOSTILE}`, relevant });

function change(reached: boolean): RetrievalChange {
  const side = (name: string, threshold: number) => ({
    name,
    ...(reached || name === 'baseline' ? { point: { threshold, precision: 0.6, recall: 0.4, kept: 10 } } : {}),
    relevantPairs: 4, irrelevantPairs: 96, min: -0.1, max: 0.9, relevant: [0, 0.5, 0.5], irrelevant: [0.7, 0.3, 0],
  });
  const mover = (q: string, before: number, after: number) => ({
    query: q, text: `find ${HOSTILE}`, before, after, delta: after - before, overlap: 0.3,
    beforeTop: [doc('a', 0.81, false), doc('b', 0.7, true)], afterTop: [doc('b', 0.52, true), doc('c', 0.5, false)],
  });
  return {
    candidate: 'candidate', baseline: 'baseline', metric: 'ndcg_at_10', sameWithin: 0.01,
    queries: { total: 3, better: 1, worse: 1, same: 1, medianDelta: 0, meanDelta: 0.1 },
    overlap: { k: 10, mean: 0.3, median: 0.3 },
    movers: { count: 10, top: 5, up: [mover('q1', 0.5, 1)], down: [mover('q2', 1, 0.63)] },
    calibration: {
      thresholdSource: 'suite', reached,
      note: reached ? 'found' : "the suite's threshold 0.5 for the baseline keeps precision 0.6; no candidate cut-off reaches it (the candidate's best precision at any cut-off is 0.4)",
      x: [0, 0.4, 0.8], binWidth: 0.4, baseline: side('baseline', 0.5), candidate: side('candidate', 0.3),
    },
    migration: {
      documents: 1000, documentsFrom: 'dataset', measuredOn: 'the test',
      candidate: { name: 'candidate', dimensions: 768, docsPerSecond: 10, seconds: 100, indexBytes: 3_072_000 },
      baseline: { name: 'baseline', dimensions: 256, docsPerSecond: 20, seconds: 50, indexBytes: 1_024_000 },
    },
  };
}

const retrievalSuite = (c: RetrievalChange) =>
  makeSuite({ name: 'retrieval-x', kind: 'retrieval', details: { change: c, perQuery: [{ overlap_at_10: 0.3 }, { overlap_at_10: 1 }] } });

describe('retrieval change section', () => {
  it('keeps hostile query and document text as text, in html and markdown', () => {
    const report = makeReport({ suites: [retrievalSuite(change(true))] });
    const sections = retrievalChangeSections(report);
    expect(sections).toHaveLength(1);
    const html = renderHtml(report, { extraSections: sections });
    expect(html).not.toContain('<script>window.pwned');
    expect(html).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(sections[0]!.charts.map((c) => c.id)).toEqual(['change-0-calibration-baseline', 'change-0-calibration-candidate']);
    expect(html).toContain('id="change-0-calibration-candidate"');
    const md = renderSummary(report);
    expect(md).toContain('**What users will see change**');
    expect(md).not.toContain('<script>');
    expect(md).toMatch(/\| q2: find &lt;script&gt;/);
    expect(md).toContain('becomes 0.3 for the candidate');
  });

  it('says why there is no candidate threshold instead of showing one', () => {
    const report = makeReport({ suites: [retrievalSuite(change(false))] });
    const html = retrievalChangeSections(report)[0]!.html;
    expect(html).toContain('data-calibration="not-reached"');
    expect(html).toContain('no candidate cut-off reaches it');
    expect(html).toMatch(/<tr data-threshold="candidate"><td>candidate<\/td><td class="num">—<\/td>/);
    expect(renderSummary(report)).toContain('Threshold: the suite');
  });

  it('adds nothing for a suite without a baseline', () => {
    const report = makeReport({ suites: [makeSuite({ kind: 'retrieval', details: { perQuery: [] } }), makeSuite()] });
    expect(retrievalChangeSections(report)).toEqual([]);
    expect(renderSummary(report)).not.toContain('What users will see change');
  });
});
