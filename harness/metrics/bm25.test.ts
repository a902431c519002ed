import { describe, expect, it } from 'vitest';
import { Bm25Index, lexicalTokens } from './bm25.ts';
import { topK } from './ranking.ts';

describe('lexicalTokens', () => {
  it('splits identifiers at camelCase and snake_case and keeps the whole identifier', () => {
    expect(lexicalTokens('readFileSync(path)')).toEqual(['read', 'file', 'sync', 'readfilesync', 'path']);
    expect(lexicalTokens('HTMLCanvasElement max_old_space')).toEqual(['html', 'canvas', 'element', 'htmlcanvaselement', 'max', 'old', 'space', 'max_old_space']);
  });
});

describe('Bm25Index', () => {
  const docs = [
    'function readFile(path: string): Buffer',
    'function writeFile(path: string, data: string): void',
    'function createServer(listener: RequestListener): Server',
    'the the the the string string',
  ];
  const index = new Bm25Index(docs);

  it('ranks the document sharing the rare terms first', () => {
    expect(topK(index.score('read a file'), 4)[0]).toBe(0);
    expect(topK(index.score('create an HTTP server'), 4)[0]).toBe(2);
  });

  it('weighs a rare term above a common one', () => {
    const s = index.score('string server');
    expect(s[2]!).toBeGreaterThan(s[1]!); // "server" is in one document, "string" in three
  });

  it('scores 0 where no query term occurs', () => {
    expect([...index.score('zebra')]).toEqual([0, 0, 0, 0]);
  });
});
