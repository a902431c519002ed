// Opening report.html the way a reviewer does, in headless Chromium (Debian's `chromium` driven by
// playwright-core), for the browser tests, scripts/bench-report.ts and scripts/screenshot-report.ts.
// Every request the page makes is recorded and anything but its own file is refused; every console
// error and page error is collected.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** EMBEDGATE_CHROMIUM points at another Chromium build. */
export const CHROMIUM = process.env.EMBEDGATE_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const MISSING_CHROMIUM = `${CHROMIUM} is missing: install it with \`apt-get update && apt-get install -y --no-install-recommends chromium\` (.ci/run does)`;

export function launchChromium(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(MISSING_CHROMIUM);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface OpenedReport {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for, its own file included. */
  requested: string[];
  /** console.error messages and uncaught page errors, in order. */
  errors: string[];
  /** From the start of navigation to the load event (inline scripts, charts included, have run). */
  loadMs: number;
}

export async function openReport(browser: Browser, file: string, viewport = { width: 1100, height: 900 }): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport });
  const requested: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    return url.startsWith('file:') || url.startsWith('data:') ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  const started = performance.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const loadMs = performance.now() - started;
  return { page, context, requested, errors, loadMs };
}

/** What the page's charts say about themselves (client/charts.js sets these attributes). */
export interface ChartState {
  id: string;
  type: string;
  title: string;
  rendered: string | null;
  series: number;
  points: number;
  canvases: number;
}

export function chartStates(page: Page): Promise<ChartState[]> {
  return page.locator('div.chart').evaluateAll((els) =>
    els.map((e) => ({
      id: e.id,
      type: e.getAttribute('data-chart') ?? '',
      title: e.getAttribute('data-title') ?? '',
      rendered: e.getAttribute('data-rendered'),
      series: Number(e.getAttribute('data-series') ?? 0),
      points: Number(e.getAttribute('data-points') ?? 0),
      canvases: e.querySelectorAll('canvas').length,
    })),
  );
}
