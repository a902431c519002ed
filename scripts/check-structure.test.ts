// The structure check on a small tree made for it: it must name a run-time cycle, leave a
// type-only one alone unless asked, and name a file one line over the limit but not one at it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, lineCount, longFiles, MAX_LINES } from './check-structure.ts';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'embedgate-structure-'));
  mkdirSync(join(root, 'src'));
  const write = (name: string, text: string) => writeFileSync(join(root, 'src', name), text);
  write('a.ts', "import { b } from './b.ts';\nexport const a = () => b;\n");
  write('b.ts', "import { a } from './a.ts';\nexport const b = () => a;\n");
  write('c.ts', "import type { D } from './d.ts';\nexport interface C { d?: D }\nexport const c = 1;\n");
  write('d.ts', "import type { C } from './c.ts';\nexport interface D { c?: C }\nexport const d = 2;\n");
  write('leaf.ts', "import { a } from './a.ts';\nexport const leaf = a;\n");
  write('long.ts', 'export const x = 1;\n'.repeat(MAX_LINES + 1));
  write('at-limit.ts', 'export const y = 1;\n'.repeat(MAX_LINES));
  write('long.test.ts', 'export const z = 1;\n'.repeat(MAX_LINES + 1));
  writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "allowImportingTsExtensions": true, "noEmit": true, "module": "nodenext" } }\n');
  return root;
}

describe('check-structure', () => {
  const root = tree();

  it('names the run-time cycle, and the type-only one only with type imports counted', async () => {
    const runtime = await importCycles(root, ['src'], false);
    expect(runtime.map((c) => [...new Set(c)].sort())).toEqual([['src/a.ts', 'src/b.ts']]);
    const withTypes = await importCycles(root, ['src'], true);
    expect(withTypes.map((c) => [...new Set(c)].sort()).sort()).toEqual([['src/a.ts', 'src/b.ts'], ['src/c.ts', 'src/d.ts']]);
  });

  it('names files over the line limit, tests excluded', () => {
    expect(longFiles(root, ['src'])).toEqual([{ file: 'src/long.ts', lines: MAX_LINES + 1 }]);
  });

  it('counts lines as an editor does', () => {
    expect([lineCount(''), lineCount('a'), lineCount('a\n'), lineCount('a\nb'), lineCount('a\n\n')]).toEqual([0, 1, 1, 2, 2]);
  });
});
