// The structure check on a small tree made for it: it must name a run-time cycle, leave a
// type-only one alone unless asked, name a file one line over the limit but not one at it, and
// name a module that start-up reaches by static imports but not one it reaches only by import().
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruiseProject, importCycles, lineCount, longFiles, MAX_LINES, startupLeaks } from './check-structure.ts';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'embedgate-structure-'));
  mkdirSync(join(root, 'src'));
  const write = (name: string, text: string) => writeFileSync(join(root, 'src', name), text);
  write('a.ts', "import { b } from './b.ts';\nexport const a = () => b;\n");
  write('b.ts', "import { a } from './a.ts';\nexport const b = () => a;\n");
  write('c.ts', "import type { D } from './d.ts';\nexport interface C { d?: D }\nexport const c = 1;\n");
  write('d.ts', "import type { C } from './c.ts';\nexport interface D { c?: C }\nexport const d = 2;\n");
  write('leaf.ts', "import { a } from './a.ts';\nexport const leaf = a;\n");
  write('cli.ts', "import { leaf } from './leaf.ts';\nexport const main = async () => (await import('./lazy.ts')).lazy + leaf;\n");
  write('lazy.ts', "import { heavy } from './heavy/runner.ts';\nexport const lazy = heavy;\n");
  mkdirSync(join(root, 'src', 'heavy'));
  write('heavy/runner.ts', "export const heavy = 1;\n");
  write('eager.ts', "import { lazy } from './lazy.ts';\nexport const eager = lazy;\n");
  write('long.ts', 'export const x = 1;\n'.repeat(MAX_LINES + 1));
  write('at-limit.ts', 'export const y = 1;\n'.repeat(MAX_LINES));
  write('long.test.ts', 'export const z = 1;\n'.repeat(MAX_LINES + 1));
  writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "allowImportingTsExtensions": true, "noEmit": true, "module": "nodenext" } }\n');
  return root;
}

describe('check-structure', () => {
  const root = tree();

  it('names the run-time cycle, and the type-only one only with type imports counted', async () => {
    const runtime = importCycles(await cruiseProject(root, ['src']), false);
    expect(runtime.map((c) => [...new Set(c)].sort())).toEqual([['src/a.ts', 'src/b.ts']]);
    const withTypes = importCycles(await cruiseProject(root, ['src']), true);
    expect(withTypes.map((c) => [...new Set(c)].sort()).sort()).toEqual([['src/a.ts', 'src/b.ts'], ['src/c.ts', 'src/d.ts']]);
  });

  it('names what start-up loads by static imports, with the chain, and not what it loads by import()', async () => {
    const graph = await cruiseProject(root, ['src']);
    const forbidden = [/(^|\/)runner\.ts$/];
    expect(startupLeaks(graph, 'src/cli.ts', forbidden)).toEqual([]);
    expect(startupLeaks(graph, 'src/eager.ts', forbidden)).toEqual([['src/eager.ts', 'src/lazy.ts', 'src/heavy/runner.ts']]);
  });

  it('names files over the line limit, tests excluded', () => {
    expect(longFiles(root, ['src'])).toEqual([{ file: 'src/long.ts', lines: MAX_LINES + 1 }]);
  });

  it('counts lines as an editor does', () => {
    expect([lineCount(''), lineCount('a'), lineCount('a\n'), lineCount('a\nb'), lineCount('a\n\n')]).toEqual([0, 1, 1, 2, 2]);
  });
});
