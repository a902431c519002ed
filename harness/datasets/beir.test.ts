import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BeirDatasetError, readBeirDataset } from './beir.ts';

const TINY = fileURLToPath(new URL('../../fixtures/datasets/tiny-code/', import.meta.url));

function folder(files: { corpus?: string; queries?: string; qrels?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-beir-'));
  mkdirSync(join(dir, 'qrels'));
  writeFileSync(join(dir, 'corpus.jsonl'), files.corpus ?? '{"_id":"d1","title":"T","text":"body"}\n{"_id":"d2","text":"other"}\n');
  writeFileSync(join(dir, 'queries.jsonl'), files.queries ?? '{"_id":"q1","text":"find body"}\n');
  writeFileSync(join(dir, 'qrels', 'test.tsv'), files.qrels ?? 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
  return dir;
}

describe('readBeirDataset', () => {
  it('reads the committed tiny folder: judged queries only, zero scores dropped', () => {
    const ds = readBeirDataset(TINY);
    expect(ds.documents).toHaveLength(12);
    expect(ds.queries.map((q) => q.id)).toEqual(['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8', 'q9', 'q10', 'q11']);
    expect(ds.unjudgedQueries).toBe(1);
    expect([...ds.qrels.get('q11')!.keys()]).toEqual(['child_process.spawn']);
    expect(ds.revision).toMatch(/^[0-9a-f]{64}$/);
  });

  it('joins title and text as BEIR does, and accepts numeric ids', () => {
    const ds = readBeirDataset(folder({ corpus: '{"_id":1,"title":"T","text":"body"}\n', qrels: 'q1\t1\t2\n' }));
    expect(ds.documents[0]).toEqual({ id: '1', text: 'T body' });
    expect(ds.qrels.get('q1')!.get('1')).toBe(2);
  });

  it('names the file and line of a broken record', () => {
    expect(() => readBeirDataset(folder({ corpus: '{"_id":"d1","text":"x"}\n{"_id":"d2",\n' }))).toThrow(/corpus\.jsonl:2: not a JSON object/);
    expect(() => readBeirDataset(folder({ qrels: 'query-id\tcorpus-id\tscore\nq1\tnope\t1\n' }))).toThrow(/test\.tsv:2: document "nope" is not in corpus\.jsonl/);
    expect(() => readBeirDataset(folder({ queries: '{"_id":"q1"}\n' }))).toThrow(/queries\.jsonl:1: a query needs/);
  });

  it('says what a BEIR folder holds when a file is missing', () => {
    expect(() => readBeirDataset(TINY, 'dev')).toThrow(BeirDatasetError);
    expect(() => readBeirDataset(TINY, 'dev')).toThrow(/qrels[/\\]dev\.tsv: not found; a BEIR dataset folder holds corpus\.jsonl/);
  });

  it('changes revision when any file changes', () => {
    const a = readBeirDataset(folder({})).revision;
    const b = readBeirDataset(folder({ qrels: 'q1\td2\t1\n' })).revision;
    expect(a).not.toBe(b);
    expect(readBeirDataset(folder({})).revision).toBe(a);
  });
});
