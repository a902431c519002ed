// report.html's stylesheet: light and dark from the reader's system setting, no web fonts, nothing
// fetched. uPlot's own stylesheet is appended to it (inline-assets.ts).
export const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--inc:#9a6700;--err:#8250df;--muted:#57606a;--line:#d0d7de;--bg:#fff;--fg:#1f2328;--alt:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--muted:#9198a1;--line:#3d444d;--bg:#0d1117;--fg:#e6edf3;--alt:#151b23}}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:var(--bg);color:var(--fg)}
main{max-width:1100px;margin:0 auto;padding:0 16px 48px}
.banner{padding:20px 24px;color:#fff}
.banner h1{margin:0 0 4px;font-size:28px;letter-spacing:.04em}
.banner p{margin:2px 0}
.verdict-pass{background:var(--pass)}.verdict-fail{background:var(--fail)}.verdict-inconclusive{background:var(--inc)}
h2{margin:28px 0 8px;font-size:18px}h3{margin:16px 0 6px;font-size:15px}
table{border-collapse:collapse;margin:6px 0 12px;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--alt)}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.suite{border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:4px 16px 8px;margin:16px 0}
.suite[data-outcome=pass]{border-left-color:var(--pass)}.suite[data-outcome=fail]{border-left-color:var(--fail)}
.suite[data-outcome=inconclusive]{border-left-color:var(--inc)}.suite[data-outcome=error]{border-left-color:var(--err)}
.status-pass{color:var(--pass)}.status-fail{color:var(--fail)}.status-inconclusive{color:var(--inc)}.status-error{color:var(--err)}
.muted{color:var(--muted)}.reason{padding:6px 10px;background:var(--alt);border-radius:4px}
.errors li{color:var(--fail)}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.latency-chart .axis,.latency-chart .value{font:11px ui-monospace,monospace;fill:var(--fg)}
.bar-value{fill:#0969da}.bar-baseline{fill:#8c959f}
.memory-chart .axis{font:11px ui-monospace,monospace;fill:var(--fg)}
.memory-chart .axis-line{stroke:#8c959f}.memory-chart .point{fill:#0969da}
.memory-chart .fit{stroke:#1a7f37;stroke-width:2}.memory-chart .fit-leak{stroke:#cf222e;stroke-width:2}
.memory-chart .fit-ci{stroke:#8c959f;stroke-width:1;stroke-dasharray:4 3}.memory-chart .fit-tail{stroke:#9a6700;stroke-width:4;stroke-opacity:.7}
.overview{margin-top:8px}.overview h2{margin:16px 0 6px}
.findings{margin:4px 0 8px;padding-left:20px}.findings li{margin:2px 0}.findings .why{color:var(--muted)}
.all-clear{color:var(--pass);font-weight:600}
table.glance td{vertical-align:middle}table.glance td.num{white-space:nowrap}
.status-error{color:var(--err)}
.chart{width:100%;min-height:40px;margin:4px 0 12px}
.chart-note{font-size:12px;margin:0 0 6px}
.swarm-timeline .axis{font:11px ui-monospace,monospace;fill:var(--fg)}.swarm-timeline .lane{stroke:var(--line)}
.uplot{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg)}
.uplot .u-legend{font-size:12px;width:auto;margin:2px auto}.uplot .u-legend th,.uplot .u-legend td{border:0;background:none;padding:1px 4px}
.extra{border-top:1px solid var(--line);margin-top:20px}
pre{background:var(--alt);padding:8px;overflow:auto;max-height:320px}
`;
