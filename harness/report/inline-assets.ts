// The scripts and styles report.html carries inside itself: uPlot (MIT, read from node_modules at
// report time, its licence notice kept above it) and the page's own chart script. Each script's
// sha256 goes into the page's Content-Security-Policy, so these scripts and no other can run:
// a hostile string that slipped past escaping still could not execute.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InlineAssets {
  /** uPlot's licence notice and its minified IIFE build (defines window.uPlot). */
  uplotJs: string;
  uplotCss: string;
  /** harness/report/client/charts.js: draws every chart from the page's JSON data blocks. */
  chartsJs: string;
  uplotVersion: string;
}

let cached: InlineAssets | undefined;

/** Read once per process; a missing uPlot is an error that says what to install. */
export function inlineAssets(): InlineAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let pkgFile: string;
  try {
    pkgFile = require.resolve('uplot/package.json');
  } catch {
    throw new Error('report.html needs the uplot package (node_modules/uplot) to draw its charts: run `npm install` in the embedgate checkout');
  }
  const dir = dirname(pkgFile);
  const version = (JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string }).version;
  const licence = readFileSync(join(dir, 'LICENSE'), 'utf8').trim();
  const js = readFileSync(join(dir, 'dist', 'uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(join(dir, 'dist', 'uPlot.min.css'), 'utf8');
  const charts = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'client', 'charts.js'), 'utf8');
  for (const [name, text] of [['uPlot', js], ['charts.js', charts]] as const) {
    if (/<\/script/i.test(text)) throw new Error(`${name} contains "</script", which would end its inline script early`);
  }
  cached = {
    uplotJs: `/*! uPlot v${version}, https://github.com/leeoniya/uPlot\n${licence.replace(/\*\//g, '* /')}\n*/\n${js}`,
    uplotCss: css,
    chartsJs: charts,
    uplotVersion: version,
  };
  return cached;
}

/** The CSP source for an inline script with exactly this text. */
export function scriptHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** JSON that can sit inside <script type="application/json"> whatever its strings hold. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
