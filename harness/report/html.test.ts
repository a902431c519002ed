// Opens report.html in headless Chromium as a reviewer would: the first screen says what happened,
// every chart is drawn with data and without a console error, hostile strings stay text, and the
// page makes no request beyond its own file. Reports are built through the real reporter path
// (the reporter mux fed window events, `embedgate report` replaying an events.jsonl, a real run).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../events.ts';
import { REPO_ROOT } from '../paths.ts';
import type { RunReport } from '../result.ts';
import { HTML_REPORT_FILE, createHtmlReporter, renderHtml } from './html.ts';
import { reportCommand } from './report-command.ts';
import { createReporterMux } from './reporter.ts';
import { benchWithHistograms, erroredReport, failReport, inconclusiveReport, makeReport, makeSuite, soakSuite, soakWindows } from './sample-reports.ts';
import { CHROMIUM, HAVE_CHROMIUM, MISSING_CHROMIUM, chartStates, launchChromium, openReport } from './testing/browser.ts';

const SCREENSHOT = join(tmpdir(), 'embedgate-report.png');
// CI installs Chromium (.ci/run), so there a missing browser is a failure; on a fresh machine the
// browser tests are skipped with a warning, so that `npm test` passes after `npm install` alone.
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
if (!HAVE_CHROMIUM && !IN_CI) {
  process.stderr.write(`\n*** SKIPPED: the report.html browser tests did not run. ${MISSING_CHROMIUM}. Under CI=true this is a failure. ***\n\n`);
}

let browser: Browser;

/** Writes the report through the html reporter, after feeding it `windows`, and opens it. */
async function open(report: RunReport, windows: Iterable<HarnessEvent> = []) {
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-html-'));
  const mux = createReporterMux([createHtmlReporter()], { outDir: dir });
  for (const w of windows) mux.dispatch(w);
  await mux.end(report, dir);
  return { ...(await openReport(browser, join(dir, HTML_REPORT_FILE))), file: join(dir, HTML_REPORT_FILE) };
}

const HOSTILE = '<img src="http://evil.example/x.png"><script>window.pwned=1</script>';

const soakReport = (windows: number) =>
  makeReport({ verdict: 'fail', exitCode: 1, reason: '1 check failed in soak', gate: { number: 4, title: 'Soak', file: 'suites/gate-4.yaml', needs: ['soak'], missingKinds: [] }, suites: [soakSuite('soak', windows)] });

describe('report.html', () => {
  it.runIf(!HAVE_CHROMIUM && IN_CI)('has Chromium to open the report in (CI=true)', () => {
    throw new Error(MISSING_CHROMIUM);
  });
});

describe.skipIf(!HAVE_CHROMIUM)(`report.html in headless Chromium${HAVE_CHROMIUM ? '' : ` (SKIPPED: ${CHROMIUM} is missing)`}`, () => {
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the verdict, suite outcomes and latency charts, offline, with hostile strings as text', async () => {
    const report = erroredReport();
    report.suites[0] = makeSuite({ name: `bench ${HOSTILE}`, outcome: 'fail', checks: failReport().suites[0]!.checks });
    report.verdict = 'fail';
    report.exitCode = 1;
    report.reason = '1 check failed & 1 suite errored';
    const { page, requested, context, errors } = await open(report);

    const banner = page.locator('[data-verdict]');
    expect(await banner.getAttribute('data-verdict')).toBe('fail');
    expect(await banner.locator('h1').textContent()).toBe('FAIL');
    expect(await banner.textContent()).toContain('1 check failed & 1 suite errored');

    const outcomes = await page.locator('section.suite').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['fail', 'error']);
    expect(await page.locator('section[data-outcome=error] .reason').textContent()).toBe('model failed to load: /models/<bad>.gguf & tensor table truncated');
    expect(await page.locator('section.suite tr[data-status=fail] td').nth(2).textContent()).toContain('<b>bold</b>');

    // The hostile suite name is text, not markup, and nothing it carried ran.
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.locator('section.suite h2').first().textContent()).toContain(HOSTILE);
    expect(await page.locator('[data-headline] a').first().textContent()).toContain(HOSTILE);

    const bars = page.locator('section[data-outcome=fail] svg.latency-chart rect');
    expect(await bars.count()).toBeGreaterThanOrEqual(6); // p50/p95/p99 for this run and the baseline

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
    await context.close();
  }, 60_000);

  it('says on the first screen what happened: the verdict, what failed and why, each suite against its baseline', async () => {
    const report = soakReport(120);
    report.suites.push(failReport().suites[0]!, inconclusiveReport().suites[0]!);
    report.reason = '2 suites failed, 1 inconclusive';
    const { page, context, errors } = await open(report, soakWindows('soak', 120));
    const firstScreen = async (selector: string) => {
      const box = await page.locator(selector).first().boundingBox();
      return box !== null && box.y + box.height <= 900;
    };
    expect(await firstScreen('[data-verdict] h1')).toBe(true);
    expect(await firstScreen('[data-finding]')).toBe(true);
    expect(await firstScreen('[data-headline="soak"]')).toBe(true);

    const findings = await page.locator('[data-finding]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-finding'), e.textContent]));
    expect(findings.map(([status]) => status)).toEqual(['fail', 'fail', 'inconclusive']);
    expect(findings[0]![1]).toContain('soak: latency.p95 <= 1s');
    expect(findings[1]![1]).toContain('errors.rate = 5% < 1% is false & <b>bold</b>');
    expect(findings[2]![1]).toContain('too few samples for p99 (3 < 30)');

    // The soak's headline: the failed window check first, then the candidate beside the baseline.
    const soakRows = page.locator('tr[data-headline="soak"]');
    expect(await soakRows.count()).toBe(3);
    expect(await soakRows.nth(0).textContent()).toMatch(/latency\.p95 per window\s*1 of 120 windows failed/);
    expect(await soakRows.nth(0).locator('td.decided').textContent()).toContain('latency.p95 <= 1s');
    const loadRow = await page.locator('tr[data-headline="load-100"]').first().textContent();
    expect(loadRow).toContain('20.1 ms');
    expect(loadRow).toContain('11 ms');
    expect(loadRow).toContain('×1.83');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('draws every window chart with data, replayed from events.jsonl by embedgate report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-html-replay-'));
    const report = soakReport(1440);
    const time = report.startedAt;
    const events: HarnessEvent[] = [
      { type: 'run-start', time, runId: report.runId, outDir: dir, suites: [] },
      ...soakWindows('soak', 1440, { baseline: true }),
      { type: 'run-end', time: report.finishedAt, report },
    ];
    writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    expect(await reportCommand([dir])).toBe(1);

    const { page, context, errors } = await openReport(browser, join(dir, HTML_REPORT_FILE));
    const charts = await chartStates(page);
    const time_ = charts.filter((c) => c.type === 'time');
    expect(time_.map((c) => [c.title, c.series])).toEqual([
      ['Latency per window', 4], // p50, p95, p99 and the baseline's p95
      ['Throughput per window', 2],
      ['Errors per window', 2],
      ['Cache hit rate per window', 1],
      ['Memory per window (target and harness)', 5],
      ['Worker restarts', 1],
    ]);
    for (const c of time_) {
      expect(c.rendered, c.title).toBe('true');
      expect(c.canvases, c.title).toBeGreaterThan(0);
      expect(c.points, c.title).toBe(1440); // one point per window: readable, nothing merged
    }
    const data = JSON.parse((await page.locator('#embedgate-charts').textContent())!) as { id: string; markers?: { label: string }[]; spans?: unknown[]; failedAt?: number[] }[];
    const latency = data.find((d) => d.id === 'chart-0-latency')!;
    expect(latency.markers!.map((m) => m.label)).toEqual(['steady', 'during:worker-sigkill', 'after:worker-sigkill']);
    expect(latency.spans).toHaveLength(1);
    expect(latency.failedAt).toHaveLength(2); // window 481 (the spike) and window 1000
    expect(await page.locator('body').getAttribute('data-charts')).toBe(String(charts.length));
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('keeps a report of 86,400 one-second windows under 5 MB, every chart drawn with data', async () => {
    const { page, context, errors, file } = await open(soakReport(86_400), soakWindows('soak', 86_400, { baseline: true }));
    expect(statSync(file).size).toBeLessThan(5_000_000);
    const charts = await chartStates(page);
    expect(charts.filter((c) => c.type === 'time')).toHaveLength(6);
    for (const c of charts) {
      expect(c.rendered, c.title).toBe('true');
      expect(c.series, c.title).toBeGreaterThan(0);
      expect(c.points, c.title).toBeGreaterThan(500);
      expect(c.points, c.title).toBeLessThanOrEqual(2048);
    }
    expect(await page.locator('.chart-note').first().textContent()).toContain('86400 windows (and 86400 of the baseline), each point the mean of up to');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('plots the latency distribution of the candidate against the baseline from their HDR histograms', async () => {
    const { page, context, errors } = await open(makeReport({ suites: [benchWithHistograms()] }));
    const [hdr] = (await chartStates(page)).filter((c) => c.type === 'hdr');
    expect(hdr).toMatchObject({ title: 'task embed one', rendered: 'true', series: 2 });
    expect(hdr!.points).toBeGreaterThan(30); // 2000 samples reach p99.9: three decades of 12 points
    expect(await page.locator('figure', { has: page.locator('[data-chart=hdr]') }).locator('figcaption').textContent()).toContain('gguf:candidate (2000) against gguf:baseline (2000)');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("draws a real swarm run's timeline: faults, what agents saw, the rollback", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-html-swarm-'));
    const suite = join(dir, 'swarm.yaml');
    writeFileSync(suite, 'suite: swarm-small\nkind: swarm\ntarget: { swarm: simulated }\nswarm:\n  seeds: 3\n  randomFaults: true\nchecks:\n  - invariants.violations == 0\n');
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'embedgate.mjs'), 'run', suite, '--out', dir, '--reporter', 'html,json'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run.status, run.stderr).toBe(0);
    const runDir = join(dir, readdirSync(dir, { withFileTypes: true }).find((e) => e.isDirectory())!.name);
    const written = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as RunReport;
    const { page, context, errors } = await openReport(browser, join(runDir, HTML_REPORT_FILE));
    const timelines = page.locator('svg.swarm-timeline');
    expect(await timelines.count()).toBe((written.suites[0]!.details!['scenarios'] as unknown[]).length);
    expect(await timelines.first().locator('.swarm-fault').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});

describe('report.html as text', () => {
  it('is one self-contained file whose only scripts are inline, allowed by hash', () => {
    const html = renderHtml(makeReport({ suites: [benchWithHistograms()] }));
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2); // uPlot and the chart script; the data block is not executable
    for (const s of scripts) expect(csp).toContain(`'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(csp).not.toContain('unsafe-inline\'; script');
    // uPlot's MIT licence travels with it.
    expect(scripts[0]).toContain('Permission is hereby granted, free of charge');
    expect(scripts[0]).toContain('Copyright (c) 2022 Leon Sorokin');
  });

  it('has no script at all when there is no chart', () => {
    expect(renderHtml(failReport())).not.toMatch(/<script/i);
  });

  it('names missing suite kinds and harness errors', () => {
    const html = renderHtml({ ...inconclusiveReport(), harnessErrors: ['reporter "x" failed in onRunEnd: <oops>'] });
    expect(html).toContain('data-verdict="inconclusive"');
    expect(html).toContain('none ran: <code>memory</code>, <code>soak</code>');
    expect(html).toContain('<li>reporter &quot;x&quot; failed in onRunEnd: &lt;oops&gt;</li>');
  });

  it('puts extra sections (run history) below the overview, before the suites', () => {
    const html = renderHtml(failReport(), { extraSections: [{ id: 'history', title: 'History', html: '<p>trend</p>' }] });
    expect(html.indexOf('data-extra="history"')).toBeGreaterThan(html.indexOf('data-overview'));
    expect(html.indexOf('data-extra="history"')).toBeLessThan(html.indexOf('class="suite"'));
  });
});
