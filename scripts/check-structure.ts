// npm run check:structure (run by .ci/run before the tests): two rules of the code's shape.
//  1. No import cycle among the project's modules (harness/, scripts/, bin/): a cycle means two
//     modules are one job split in two, or share vocabulary that wants a home of its own. Only
//     imports that exist at run time count; `--with-types` counts `import type` too, which
//     cannot break loading but still says two files lean on each other.
//  2. No source file under harness/ or scripts/ longer than 400 lines (tests excluded): past that
//     a file does more than one job.
// Prints every offender by path and exits 1 when there is one, 0 otherwise.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { EXIT } from '../harness/exit-codes.ts';
import { REPO_ROOT } from '../harness/paths.ts';

export const MAX_LINES = 400;
const SOURCE_DIRS = ['harness', 'scripts'];
const CYCLE_ROOTS = ['harness', 'scripts', 'bin'];
const SOURCE_FILE = /\.(ts|mts|mjs|js)$/;
const TEST_FILE = /\.test\.ts$/;

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE_FILE.test(entry.name) && !TEST_FILE.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Lines as an editor numbers them: a final newline does not start another line. */
export function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Source files (tests excluded) under `dirs` of `root` with more than MAX_LINES lines. */
export function longFiles(root: string, dirs: readonly string[]): { file: string; lines: number }[] {
  return dirs
    .flatMap((dir) => sourceFiles(root, dir))
    .map((file) => ({ file, lines: lineCount(readFileSync(join(root, file), 'utf8')) }))
    .filter((f) => f.lines > MAX_LINES);
}

/** Every import cycle among the modules under `dirs` of `root`, each once, as the files around it. */
export async function importCycles(root: string, dirs: readonly string[], withTypes: boolean): Promise<string[][]> {
  const output = await cruise(
    [...dirs],
    {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }] },
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '^node_modules' },
      tsPreCompilationDeps: withTypes,
    },
    {},
    { tsConfig: { fileName: join(REPO_ROOT, 'tsconfig.json') } },
  );
  const result = output.output as ICruiseResult;
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const violation of result.summary.violations) {
    if (violation.rule.name !== 'no-circular') continue;
    const files = [violation.from, ...(violation.cycle ?? []).map((step) => step.name)];
    // The same cycle is reported once from each of its files; keep one.
    const key = [...new Set(files)].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    cycles.push(files);
  }
  return cycles;
}

async function main(argv: string[]): Promise<number> {
  const withTypes = argv.includes('--with-types');
  const problems: string[] = [];
  for (const cycle of await importCycles(REPO_ROOT, CYCLE_ROOTS, withTypes)) problems.push(`import cycle${withTypes ? ' (type imports counted)' : ''}: ${cycle.join(' → ')}`);
  for (const { file, lines } of longFiles(REPO_ROOT, SOURCE_DIRS)) problems.push(`${file}: ${lines} lines, more than ${MAX_LINES}: split it by job`);
  if (problems.length === 0) {
    process.stdout.write(`structure ok: no import cycle in ${CYCLE_ROOTS.join('/, ')}/; no source file over ${MAX_LINES} lines\n`);
    return EXIT.pass;
  }
  process.stderr.write(`${problems.join('\n')}\n${problems.length} structure problem(s)\n`);
  return EXIT.fail;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) process.exitCode = await main(process.argv.slice(2));
