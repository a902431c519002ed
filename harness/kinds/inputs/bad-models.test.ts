// The six broken model files: each differs from a loadable tiny model by its one defect, and the
// preflight refuses the structural ones naming the file and the reason. NaN weights pass every
// structural check (only an embedding shows them: embedgate serve's probe, see inputs-suite.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGgufFile, GgufFileError } from '../../gguf/check.ts';
import { writeBadModelCases } from './bad-models.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedgate-bad-models-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('broken model files', () => {
  it('are written to the given directory; the preflight refuses all but NaN weights with the file and the reason', async () => {
    const cases = await writeBadModelCases(dir);
    expect(cases.map((c) => c.name)).toEqual(['truncated', 'wrong-magic', 'bad-tensor-table', 'duplicate-vocab', 'nan-weights', 'contradictory-dimensions']);
    for (const c of cases) {
      expect(c.path.startsWith(dir)).toBe(true);
      const outcome = await checkGgufFile(c.path).then(
        (summary) => summary,
        (err: unknown) => err,
      );
      if (c.name === 'nan-weights') {
        expect(outcome, c.name).not.toBeInstanceOf(Error);
        continue;
      }
      expect(outcome, c.name).toBeInstanceOf(GgufFileError);
      expect((outcome as Error).message, c.name).toContain(c.path);
      expect((outcome as Error).message, c.name).toMatch(c.reason);
    }
  });
});
