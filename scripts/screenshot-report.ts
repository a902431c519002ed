// node --import tsx scripts/screenshot-report.ts REPORT_DIR OUT.png [--full-page] [--width N] [--height N]
// A PNG of REPORT_DIR/report.html as headless Chromium draws it, for the README (docs/images/).
// By default the first screen (1200 × 900): the verdict, what needs attention, the suites at a
// glance. --full-page takes the whole page. Waits until every chart has been drawn and fails on a
// console error or a chart that could not be drawn, so a broken report never becomes a picture.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT } from '../harness/exit-codes.ts';
import { HTML_REPORT_FILE } from '../harness/report/html.ts';
import { chartStates, launchChromium, openReport } from '../harness/report/testing/browser.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'full-page': { type: 'boolean', default: false }, width: { type: 'string', default: '1200' }, height: { type: 'string', default: '900' } },
});
const usage = 'usage: node --import tsx scripts/screenshot-report.ts REPORT_DIR OUT.png [--full-page] [--width N] [--height N]';
if (positionals.length !== 2) {
  process.stderr.write(`${usage}\n`);
  process.exit(EXIT.usage);
}
const file = join(resolve(positionals[0]!), HTML_REPORT_FILE);
const out = resolve(positionals[1]!);
if (!existsSync(file)) {
  process.stderr.write(`screenshot-report: no ${file}; give the directory of one run (embedgate report DIR writes report.html again from its events.jsonl)\n`);
  process.exit(EXIT.usage);
}
const viewport = { width: Number(values.width), height: Number(values.height) };
if (!(viewport.width > 0 && viewport.height > 0)) {
  process.stderr.write(`screenshot-report: --width and --height must be positive numbers of pixels\n${usage}\n`);
  process.exit(EXIT.usage);
}

const browser = await launchChromium();
try {
  const opened = await openReport(browser, file, viewport);
  const broken = (await chartStates(opened.page)).filter((c) => c.rendered !== 'true');
  if (opened.errors.length > 0 || broken.length > 0) {
    process.stderr.write(`screenshot-report: ${file} did not draw cleanly: ${[...opened.errors, ...broken.map((c) => `chart ${c.id} (${c.title}) not drawn`)].join('; ')}\n`);
    process.exitCode = EXIT.inconclusive;
  } else {
    await opened.page.screenshot({ path: out, fullPage: values['full-page'] });
    process.stdout.write(`wrote ${out} (${values['full-page'] ? 'full page' : `first screen, ${viewport.width}x${viewport.height}`})\n`);
  }
  await opened.context.close();
} finally {
  await browser.close();
}
