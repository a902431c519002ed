// `embedgate compare RUN_A RUN_B`: what changed from run A to run B, per suite and metric, told
// from noise (harness/history/compare-verdict.ts). Prints the comparison and writes compare.md and
// compare.html (into --out, default run B's directory). A side may be several runs, a,b,c: with
// enough of them the per-run values themselves are tested. Exit 1 when some metric got worse.
import { join } from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { compareRuns } from '../history/compare.ts';
import { renderCompareHtml } from '../history/compare-html.ts';
import { loadRun, RunDirError } from '../history/compare-load.ts';
import { renderMarkdown, renderText } from '../history/compare-render.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import { UsageError, type ParsedValues } from './options.ts';

export const DEFAULT_NOISE = 0.1;

/** "10%", "10 %" or "0.1" → 0.1. */
export function parseNoise(text: string | undefined): number {
  if (text === undefined) return DEFAULT_NOISE;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(value >= 0 && value < 10)) throw new UsageError(`--noise expects a relative change such as 10% or 0.1, got "${text}"`);
  return value;
}

export async function compareCommand(args: readonly string[], values: ParsedValues): Promise<number> {
  if (args.length !== 2) throw new UsageError('compare expects two runs, e.g. embedgate compare reports/<run A> reports/<run B> (a,b,c for several runs per side)');
  const noise = parseNoise(values.noise);
  let sides;
  try {
    sides = args.map((arg) => arg.split(',').filter(Boolean).map(loadRun));
  } catch (err) {
    if (err instanceof RunDirError) throw new UsageError(err.message);
    throw err;
  }
  const [a, b] = sides as [ReturnType<typeof loadRun>[], ReturnType<typeof loadRun>[]];
  const comparison = compareRuns(a, b, noise);
  process.stdout.write(renderText(comparison) + '\n');
  const outDir = values.out ?? b[0]!.dir;
  await writeFileAtomic(join(outDir, 'compare.md'), renderMarkdown(comparison));
  await writeFileAtomic(join(outDir, 'compare.html'), renderCompareHtml(comparison));
  process.stdout.write(`\ncompare.md and compare.html written to ${outDir}\n`);
  return comparison.counts.worse > 0 ? EXIT.fail : EXIT.pass;
}
