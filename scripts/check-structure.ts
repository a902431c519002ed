// npm run check:structure (run by .ci/run before the tests): three rules of the code's shape.
//  1. No import cycle among the project's modules (harness/, scripts/, bin/): a cycle means two
//     modules are one job split in two, or share vocabulary that wants a home of its own. Only
//     imports that exist at run time count; `--with-types` counts `import type` too, which
//     cannot break loading but still says two files lean on each other.
//  2. No source file under harness/ or scripts/ longer than 400 lines (tests excluded): past that
//     a file does more than one job.
//  3. `embedgate --help` and `embedgate check` stay quick to start: what harness/cli.ts and
//     harness/commands/check.ts import statically (dynamic import() aside) reaches no runner,
//     no target, no run loop and no heavy package such as node-llama-cpp.
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

/** The modules a command loads before it knows what it will do, and what they must not pull in. */
const STARTUP_ENTRIES = ['harness/cli.ts', 'harness/commands/check.ts'];
export const STARTUP_FORBIDDEN: readonly RegExp[] = [
  /(^|\/)node_modules\/(node-llama-cpp|autocannon|openai|playwright-core)\//,
  /^harness\/run\.ts$/,
  /^harness\/targets\/open\.ts$/,
  /^harness\/targets\/[^/]+\/target\.ts$/,
  /(^|\/)runner\.ts$/,
];

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

/** The import graph of the modules under `dirs` of `root`, checked for cycles. */
export async function cruiseProject(root: string, dirs: readonly string[]): Promise<ICruiseResult> {
  const output = await cruise(
    [...dirs],
    {
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }] },
      doNotFollow: { path: 'node_modules' },
      exclude: { path: '^node_modules' },
      // The TypeScript AST, not a transpiled file: dependency-cruiser 17 (the last for Node 20)
      // cannot transpile files that import with .ts extensions. Type-only imports are then seen,
      // and marked, and the run-time checks leave them out.
      tsPreCompilationDeps: true,
    },
    {},
    { tsConfig: { fileName: join(root, 'tsconfig.json') } },
  );
  return output.output as ICruiseResult;
}

/** Every import cycle, each once, as the files around it. */
/** Imports that vanish when TypeScript is stripped: they cannot make a run-time cycle or load a module. */
const TYPE_ONLY = new Set(['type-only', 'type-import']);
const typeOnly = (types: readonly string[] | undefined) => (types ?? []).some((t) => TYPE_ONLY.has(t));

export function importCycles(result: ICruiseResult, withTypes = false): string[][] {
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const violation of result.summary.violations) {
    if (violation.rule.name !== 'no-circular') continue;
    if (!withTypes && (violation.cycle ?? []).some((step) => typeOnly(step.dependencyTypes))) continue;
    const files = [violation.from, ...(violation.cycle ?? []).map((step) => step.name)];
    // The same cycle is reported once from each of its files; keep one.
    const key = [...new Set(files)].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    cycles.push(files);
  }
  return cycles;
}

/**
 * Each forbidden module that `entry` loads through static imports alone, with the chain of
 * imports that reaches it (the first one found, breadth first: the shortest).
 */
export function startupLeaks(result: ICruiseResult, entry: string, forbidden: readonly RegExp[] = STARTUP_FORBIDDEN): string[][] {
  const modules = new Map(result.modules.map((m) => [m.source, m]));
  const parent = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  const leaks: string[][] = [];
  while (queue.length > 0) {
    const source = queue.shift()!;
    const chain = (): string[] => {
      const path: string[] = [];
      for (let at: string | undefined = source; at !== undefined; at = parent.get(at)) path.unshift(at);
      return path;
    };
    if (source !== entry && forbidden.some((re) => re.test(source))) {
      leaks.push(chain());
      continue; // what it imports in turn is its own business
    }
    for (const dep of modules.get(source)?.dependencies ?? []) {
      if (dep.dynamic || dep.coreModule || typeOnly(dep.dependencyTypes) || parent.has(dep.resolved)) continue;
      parent.set(dep.resolved, source);
      queue.push(dep.resolved);
    }
  }
  return leaks;
}

async function main(argv: string[]): Promise<number> {
  const withTypes = argv.includes('--with-types');
  const problems: string[] = [];
  const graph = await cruiseProject(REPO_ROOT, CYCLE_ROOTS);
  for (const cycle of importCycles(graph, withTypes)) problems.push(`import cycle${withTypes ? ' (type imports counted)' : ''}: ${cycle.join(' → ')}`);
  // Type-only imports vanish at run time: startupLeaks follows run-time imports only.
  for (const entry of STARTUP_ENTRIES) {
    for (const chain of startupLeaks(graph, entry)) {
      problems.push(`${entry} loads ${chain.at(-1)} at start-up (${chain.join(' → ')}): import it with await import() in the command that needs it`);
    }
  }
  for (const { file, lines } of longFiles(REPO_ROOT, SOURCE_DIRS)) problems.push(`${file}: ${lines} lines, more than ${MAX_LINES}: split it by job`);
  if (problems.length === 0) {
    process.stdout.write(`structure ok: no import cycle in ${CYCLE_ROOTS.join('/, ')}/; --help and check load no runner or target; no source file over ${MAX_LINES} lines\n`);
    return EXIT.pass;
  }
  process.stderr.write(`${problems.join('\n')}\n${problems.length} structure problem(s)\n`);
  return EXIT.fail;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) process.exitCode = await main(process.argv.slice(2));
