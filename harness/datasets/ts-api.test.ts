import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildTsApiDataset, extractDeclarations, firstSentence } from './ts-api.ts';

const ts = createRequire(import.meta.url)('typescript') as typeof TS;

const SOURCE = `
declare module "node:fs" {
    /**
     * Asynchronously reads the entire contents of a file. More text follows.
     * @param path A path to a file.
     */
    function readFile(path: string, cb: (data: Buffer) => void): void;
    function readFile(path: string, options: object, cb: (data: Buffer) => void): void;
    /** Synchronous version. */
    function readFileSync(path: string): Buffer;
    interface Stats {
        /** The size of the file in bytes, see {@link Stats.blocks} for blocks. */
        size: number;
        blocks: number;
        /** Options of an inline type are not API of their own. */
        opts: { /** The mode of the file as a number. */ mode: number };
    }
}
`;

describe('extractDeclarations', () => {
  const decls = extractDeclarations(ts, 'fs.d.ts', SOURCE, 'pkg/fs.d.ts');
  const byKey = Object.fromEntries(decls.map((d) => [d.key, d]));

  it('makes the first doc sentence the query and the declaration, without its comment, the document', () => {
    const readFile = byKey['pkg/fs.d.ts#fs.readFile']!;
    expect(readFile.sentences).toEqual(['Asynchronously reads the entire contents of a file.']);
    expect(readFile.text).toContain('declare module "node:fs" {');
    // Overloads of one member are one document.
    expect(readFile.text.match(/function readFile\(/g)).toHaveLength(2);
    expect(readFile.text).not.toMatch(/Asynchronously|@param/);
  });

  it('turns {@link} into plain text and keeps the container as context', () => {
    const size = byKey['pkg/fs.d.ts#fs.Stats.size']!;
    expect(size.sentences).toEqual(['The size of the file in bytes, see Stats.blocks for blocks.']);
    expect(size.text).toBe('interface Stats {\n  size: number;\n}');
  });

  it('drops sentences too short to be a query and properties of inline types', () => {
    expect(byKey['pkg/fs.d.ts#fs.readFileSync']).toBeUndefined(); // "Synchronous version." has 2 words
    expect(decls.some((d) => d.key.endsWith('.mode'))).toBe(false);
  });
});

describe('firstSentence', () => {
  it('strips markdown, links and code marks', () => {
    expect(firstSentence('The **`getContext()`** method of the [`HTMLCanvasElement`](https://x) interface. [MDN Reference](https://y)')).toBe(
      'The getContext() method of the HTMLCanvasElement interface.',
    );
  });
});

describe('buildTsApiDataset', () => {
  it('is deterministic for the installed packages and a few thousand documents', () => {
    const a = buildTsApiDataset();
    const b = buildTsApiDataset();
    expect(a).toEqual(b);
    expect(a.corpus.length).toBeGreaterThanOrEqual(2000);
    expect(a.queries.length).toBeGreaterThan(1000);
    // Every judged document is in the corpus, every query has a judgement.
    const ids = new Set(a.corpus.map((d) => d._id));
    expect(a.qrels.every(([, doc]) => ids.has(doc))).toBe(true);
    expect(new Set(a.qrels.map(([q]) => q)).size).toBe(a.queries.length);
    expect(a.sources.map((s) => s.package)).toEqual(['@types/node', 'typescript']);
  });
});
