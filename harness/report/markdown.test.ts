import { describe, expect, it } from 'vitest';
import { escapeMd, renderSummary } from './markdown.ts';
import { NASTY_DETAIL, erroredReport, failReport, inconclusiveReport, makeReport } from './sample-reports.ts';

/** Cells of a markdown table row, split on pipes that are not escaped. */
const cells = (row: string) => row.trim().slice(1, -1).split(/(?<!\\)\|/);

/** Every table row must have as many cells as its header: an unescaped pipe would add one. */
function expectWellFormedTables(md: string): void {
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('| ') || !lines[i + 1]?.startsWith('| ---')) continue;
    const width = cells(lines[i]!).length;
    for (let j = i + 1; lines[j]?.startsWith('|'); j++) expect(cells(lines[j]!), lines[j]).toHaveLength(width);
  }
}

describe('summary.md', () => {
  it('leads with the verdict and the exit code', () => {
    const md = renderSummary(failReport());
    expect(md.split('\n')[0]).toBe('## ❌ embedgate gate 1 (Unit): FAIL');
    expect(md).toContain('**Exit code 1** (gate failed). 1 of 2 checks failed in load-100');
    expect(renderSummary(makeReport()).split('\n')[0]).toContain(': PASS');
  });

  it('escapes pipes and HTML in cells so tables stay tables', () => {
    const md = renderSummary(failReport());
    expectWellFormedTables(md);
    expect(md).toContain(escapeMd(NASTY_DETAIL));
    expect(escapeMd(NASTY_DETAIL)).toBe('errors.rate = 5% &lt; 1% is false &amp; &lt;b&gt;bold&lt;/b&gt; \\| next');
    expect(md).not.toContain('<b>');
  });

  it('names the missing suite kinds of an inconclusive gate', () => {
    const md = renderSummary(inconclusiveReport());
    expect(md.split('\n')[0]).toContain('INCONCLUSIVE');
    expect(md).toContain('Gate 1 needs suites of these kinds and none ran: memory, soak.');
    expect(md).toContain('too few samples for p99 (3 &lt; 30)');
  });

  it('shows an errored suite with its reason, models, metrics and provenance', () => {
    const md = renderSummary(erroredReport());
    expectWellFormedTables(md);
    expect(md).toContain('> **Error:** model failed to load: /models/&lt;bad&gt;.gguf &amp; tensor table truncated');
    expect(md).toContain('| candidate | `c0ffee111111` | 12.4 MB | qwen2 | 256 | last | Q4\\_K\\_M |');
    expect(md).toContain('| single.latency.p95 | 20.1 ms | 11 ms |'); // named in a check: a key metric
    expect(md).toContain('<details><summary>Other metrics (4)</summary>');
    expect(md).toContain('commit `0123456789ab`');
    expect(md).toContain('node v20.20.2');
  });

  it('lists harness errors', () => {
    const md = renderSummary(makeReport({ exitCode: 3, harnessErrors: ['reporter "html" failed in onRunEnd: disk | full'] }));
    expect(md).toContain('### Harness errors');
    expect(md).toContain('- reporter "html" failed in onRunEnd: disk \\| full');
    expect(md).toContain('**Exit code 3** (inconclusive or harness error)');
  });
});
