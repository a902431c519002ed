// compare.html: the same content as compare.md as one offline page (inline CSS, no scripts; the
// CSP forbids every fetch). data-verdict attributes are there for browser tests and scraping.
import { formatValue } from '../format.ts';
import { escapeHtml as h } from '../report/html-escape.ts';
import type { Comparison } from './compare.ts';
import { countsLine, headline, VERDICT_ORDER } from './compare-render.ts';
import type { MetricComparison } from './compare-verdict.ts';

const CSS =
  'body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px 40px}table{border-collapse:collapse;width:100%;margin:6px 0 14px}' +
  'th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}' +
  '.v-worse{color:#cf222e;font-weight:600}.v-better{color:#1a7f37;font-weight:600}.v-changed{color:#8250df}.muted,.v-not-enough-runs,.v-not-enough-data,.v-no-change{color:#57606a}' +
  '.banner{padding:14px 20px;color:#fff;background:#57606a}.banner[data-verdict=WORSE]{background:#cf222e}.banner[data-verdict=BETTER]{background:#1a7f37}';

const cls = (v: string): string => `v-${v.replace(/ /g, '-')}`;
const val = (m: MetricComparison, side: 'a' | 'b'): string => (m[side] === undefined ? '—' : formatValue(m[side]!, m.unit));

export function renderCompareHtml(c: Comparison): string {
  const runs = (side: Comparison['a']) => side.map((r) => `<code>${h(r.runId)}</code> ${h(r.verdict)} <span class="muted">${h(r.dir)}</span>`).join('<br>');
  const suites = c.suites.map((s) => {
    const rows = [...s.metrics]
      .sort((x, y) => VERDICT_ORDER.indexOf(x.verdict) - VERDICT_ORDER.indexOf(y.verdict))
      .map(
        (m) =>
          `<tr data-verdict="${h(m.verdict)}" data-metric="${h(m.metric)}"><td class="${cls(m.verdict)}">${h(m.verdict)}</td><td><code>${h(m.metric)}</code></td>` +
          `<td class="num">${h(val(m, 'a'))}</td><td class="num">${h(val(m, 'b'))}</td><td class="num">${m.change === undefined ? '—' : h(`${m.change >= 0 ? '+' : ''}${(m.change * 100).toFixed(1)} %`)}</td><td>${h(m.evidence)}</td></tr>`,
      );
    return (
      `<section data-suite="${h(s.suite)}"><h2>${h(s.suite)} <span class="muted">${h(s.kind)} · ${h(s.outcomes.a.join('/'))} → ${h(s.outcomes.b.join('/'))}</span></h2>` +
      (s.modelsDiffer.length > 0 ? `<p class="v-changed">Models differ between the sides: ${h(s.modelsDiffer.join('; '))}</p>` : '') +
      `<table><thead><tr><th>verdict</th><th>metric</th><th>A</th><th>B</th><th>change</th><th>evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
    );
  });
  const only = [
    c.onlyInA.length > 0 ? `<p>Only in A: ${h(c.onlyInA.join(', '))}</p>` : '',
    c.onlyInB.length > 0 ? `<p>Only in B: ${h(c.onlyInB.join(', '))}</p>` : '',
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>embedgate compare: ${h(headline(c))}</title><style>${CSS}</style></head>
<body><header class="banner" data-verdict="${h(headline(c))}"><h1>${h(headline(c))}</h1><p>${h(countsLine(c))} · noise band ±${(c.noise * 100).toFixed(0)} %</p></header>
<table><tbody><tr><th>A</th><td>${runs(c.a)}</td></tr><tr><th>B</th><td>${runs(c.b)}</td></tr></tbody></table>
${c.warnings.map((w) => `<p class="v-changed" data-warning>Warning: ${h(w)}</p>`).join('')}
<p class="muted">A change counts only when a bootstrap interval over the bench calls, or a Mann–Whitney test over windows or runs, clears chance and the noise band. One value per run cannot tell a change from noise: that is "not enough runs".</p>
${suites.join('')}${only}</body></html>
`;
}
