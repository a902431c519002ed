// Opens report.html in headless Chromium: the verdict banner reads right, every suite carries its
// outcome, hostile strings stay text, and the page makes no request beyond its own file.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../result.ts';
import { HTML_REPORT_FILE, createHtmlReporter, renderHtml } from './html.ts';
import { erroredReport, failReport, inconclusiveReport, makeSuite } from './sample-reports.ts';

// EMBEDGATE_CHROMIUM points at another Chromium build (and lets you see the skip and CI paths).
const CHROMIUM = process.env.EMBEDGATE_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = join(tmpdir(), 'embedgate-report.png');
// CI installs Chromium (.ci/run), so there a missing browser is a failure; on a fresh machine the
// browser tests are skipped with a warning, so that `npm test` passes after `npm install` alone.
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const MISSING = `${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y --no-install-recommends chromium\` (.ci/run does)`;
if (!HAVE_CHROMIUM && !IN_CI) {
  process.stderr.write(`\n*** SKIPPED: the report.html browser tests did not run. ${MISSING}. Under CI=true this is a failure. ***\n\n`);
}

let browser: Browser;

/** Writes the report, opens it and returns the page with every URL it asked for. */
async function open(report: RunReport) {
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-html-'));
  await createHtmlReporter().onRunEnd?.(report, dir);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const requested: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    return url.startsWith('file:') || url.startsWith('data:') ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => requested.push(request.url()));
  await page.goto(pathToFileURL(join(dir, HTML_REPORT_FILE)).href);
  return { page, requested, context };
}

const HOSTILE = '<img src="http://evil.example/x.png"><script>window.pwned=1</script>';

describe('report.html', () => {
  it.runIf(!HAVE_CHROMIUM && IN_CI)('has Chromium to open the report in (CI=true)', () => {
    throw new Error(MISSING);
  });
});

describe.skipIf(!HAVE_CHROMIUM)(`report.html in headless Chromium${HAVE_CHROMIUM ? '' : ` (SKIPPED: ${CHROMIUM} is missing)`}`, () => {
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the verdict, suite outcomes and latency charts, offline', async () => {
    const report = erroredReport();
    report.suites[0] = makeSuite({ name: `bench ${HOSTILE}`, outcome: 'fail', checks: failReport().suites[0]!.checks });
    report.verdict = 'fail';
    report.exitCode = 1;
    report.reason = '1 check failed & 1 suite errored';
    const { page, requested, context } = await open(report);

    const banner = page.locator('[data-verdict]');
    expect(await banner.getAttribute('data-verdict')).toBe('fail');
    expect(await banner.locator('h1').textContent()).toBe('FAIL');
    expect(await banner.textContent()).toContain('1 check failed & 1 suite errored');

    const outcomes = await page.locator('section.suite').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['fail', 'error']);
    expect(await page.locator('section[data-outcome=error] .reason').textContent()).toBe('model failed to load: /models/<bad>.gguf & tensor table truncated');
    expect(await page.locator('tr[data-status=fail] td').nth(2).textContent()).toContain('<b>bold</b>');

    // The hostile suite name is text, not markup.
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('section.suite h2').first().textContent()).toContain(HOSTILE);

    const bars = page.locator('section[data-outcome=fail] svg.latency-chart rect');
    expect(await bars.count()).toBeGreaterThanOrEqual(6); // p50/p95/p99 for this run and the baseline

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
    await context.close();
  }, 60_000);

  it('draws the points each leak slope was fitted to, and the fitted line, red when it is a leak', async () => {
    const x = Array.from({ length: 12 }, (_, i) => 1200 + i * 125);
    const row = (series: string, slope: number, suspected: boolean) => ({
      mode: 'http',
      series,
      basis: 'after forced GC',
      suspected,
      reason: suspected ? `grows ${slope} B per request` : 'no growth proven',
      slope,
      intercept: 300e6,
      ciLow: slope - 100,
      ciHigh: slope + 100,
      x,
      y: x.map((v, i) => 300e6 + slope * v + (i % 2 ? 20_000 : -20_000)),
    });
    const report = failReport();
    report.suites[0] = makeSuite({ name: 'memory', kind: 'memory', details: { leakSeries: [row('anon', 6400, true), row('heap', 3, false)], confidence: 0.95 } });
    const { page, context } = await open(report);
    const charts = page.locator('svg.memory-chart');
    expect(await charts.count()).toBe(2);
    expect(await charts.nth(0).locator('circle.point').count()).toBe(12);
    expect(await charts.nth(0).locator('line.fit-leak').count()).toBe(1);
    expect(await charts.nth(1).locator('line.fit').count()).toBe(1);
    // The leak's line rises from left to right (SVG y grows downwards).
    const [y1, y2] = await charts.nth(0).locator('line.fit-leak').evaluate((l) => [Number(l.getAttribute('y1')), Number(l.getAttribute('y2'))]);
    expect(y2!).toBeLessThan(y1!);
    expect(await page.locator('figure', { has: page.locator('svg.memory-chart') }).first().locator('figcaption').textContent()).toContain('grows 6400 B per request');
    expect(await page.locator('summary', { hasText: 'leakSeries' }).count()).toBe(0);
    await context.close();
  }, 60_000);
});

describe('report.html as text', () => {
  it('is one self-contained file', () => {
    const html = renderHtml(failReport());
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('names missing suite kinds and harness errors', () => {
    const html = renderHtml({ ...inconclusiveReport(), harnessErrors: ['reporter "x" failed in onRunEnd: <oops>'] });
    expect(html).toContain('data-verdict="inconclusive"');
    expect(html).toContain('none ran: <code>memory</code>, <code>soak</code>');
    expect(html).toContain('<li>reporter &quot;x&quot; failed in onRunEnd: &lt;oops&gt;</li>');
  });
});
