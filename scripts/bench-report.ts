// npm run bench:report: the soak report's budget, measured in Chromium. Builds report.html for a
// soak suite of 1,440 and of 86,400 one-second windows (each with every charted metric, a baseline
// window beside it and a real encoded HDR histogram) through the real reporter path: the reporter
// mux fed window events, as a run or `embedgate report` feeds it. Then opens each report in headless
// Chromium EMBEDGATE_BENCH_REPORT_REPS times (default 5) and takes the median time from the start
// of navigation to the load event (the HTML parsed and every chart drawn: the chart script runs
// before load). Budget: under 3 s to render and under 5 MB, at 86,400 windows. Also prints the
// reporter's build time and the harness's heap before and after the windows arrived (the store is
// bounded, so 86,400 windows must not cost much more than 1,440). Writes reports/bench/report.json;
// exits 1 when the budget is missed.
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/paths.ts';
import { median } from '../harness/metrics/statistics.ts';
import { HTML_REPORT_FILE, createHtmlReporter } from '../harness/report/html.ts';
import { createReporterMux } from '../harness/report/reporter.ts';
import { makeReport, soakSuite, soakWindows } from '../harness/report/sample-reports.ts';
import { chartStates, launchChromium, openReport } from '../harness/report/testing/browser.ts';
import { writeFileAtomic } from '../harness/write-atomic.ts';

const REPS = Number(process.env.EMBEDGATE_BENCH_REPORT_REPS ?? 5);
const SIZES = [1440, 86_400];
const BUDGET_MS = 3000;
const BUDGET_BYTES = 5_000_000;
const OUT = join(REPO_ROOT, 'reports', 'bench', 'report.json');

interface Row {
  windows: number;
  buildMs: number;
  heapGrowthMb: number;
  bytes: number;
  renderMs: number[];
  renderMedianMs: number;
  chartsMs: number;
  charts: number;
  points: number;
  consoleErrors: string[];
}

const heapMb = () => {
  global.gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};

async function build(windows: number): Promise<{ file: string; buildMs: number; heapGrowthMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-bench-report-'));
  const mux = createReporterMux([createHtmlReporter()], { outDir: dir });
  const before = heapMb();
  const started = performance.now();
  for (const w of soakWindows('soak', windows, { baseline: true, histograms: true })) mux.dispatch(w);
  const heapGrowthMb = heapMb() - before;
  const report = makeReport({ verdict: 'fail', exitCode: 1, reason: '1 check failed in soak', suites: [soakSuite('soak', windows)] });
  await mux.end(report, dir);
  return { file: join(dir, HTML_REPORT_FILE), buildMs: performance.now() - started, heapGrowthMb };
}

const browser = await launchChromium();
const rows: Row[] = [];
try {
  for (const windows of SIZES) {
    const built = await build(windows);
    const renderMs: number[] = [];
    let last: { chartsMs: number; charts: number; points: number; errors: string[] } | undefined;
    for (let rep = 0; rep < REPS; rep++) {
      const opened = await openReport(browser, built.file);
      // Navigation start to the end of the load event, as the page measured it.
      const loadEnd = Number(await opened.page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd'));
      renderMs.push(loadEnd);
      const states = await chartStates(opened.page);
      const chartsMs = Number(await opened.page.locator('body').getAttribute('data-charts-ms'));
      last = { chartsMs, charts: states.filter((s) => s.rendered === 'true').length, points: Math.max(...states.map((s) => s.points)), errors: opened.errors };
      await opened.context.close();
    }
    const row: Row = {
      windows,
      buildMs: Math.round(built.buildMs),
      heapGrowthMb: Number(built.heapGrowthMb.toFixed(1)),
      bytes: statSync(built.file).size,
      renderMs: renderMs.map((v) => Math.round(v)),
      renderMedianMs: Math.round(median(renderMs)),
      chartsMs: last!.chartsMs,
      charts: last!.charts,
      points: last!.points,
      consoleErrors: last!.errors,
    };
    rows.push(row);
    process.stdout.write(
      `${String(windows).padStart(6)} windows: ${(row.bytes / 1e6).toFixed(2)} MB, render median ${row.renderMedianMs} ms (${row.renderMs.join(', ')}), ` +
        `charts ${row.chartsMs} ms for ${row.charts} charts of up to ${row.points} points; built in ${row.buildMs} ms, heap +${row.heapGrowthMb} MB while windows arrived` +
        `${row.consoleErrors.length > 0 ? `; CONSOLE ERRORS: ${row.consoleErrors.join(' | ')}` : ''}\n`,
    );
  }
} finally {
  await browser.close();
}

const big = rows.find((r) => r.windows === 86_400)!;
const ok = big.renderMedianMs < BUDGET_MS && big.bytes < BUDGET_BYTES && rows.every((r) => r.consoleErrors.length === 0);
process.stdout.write(`budget at 86,400 windows (render < ${BUDGET_MS} ms, size < ${BUDGET_BYTES / 1e6} MB): ${ok ? 'met' : 'MISSED'}\n`);
await writeFileAtomic(OUT, `${JSON.stringify({ measuredAt: new Date().toISOString(), reps: REPS, budget: { renderMs: BUDGET_MS, bytes: BUDGET_BYTES }, met: ok, rows }, null, 2)}\n`);
process.exitCode = ok ? 0 : 1;
