// The documents `embedgate serve --mcp` indexes for the `search` tool: the built-in ts-api corpus
// (the retrieval suites' default dataset, built on first use) or the corpus.jsonl of a BEIR folder.
// Only the documents are read: an index needs no queries or relevance judgements.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readBeirCorpus, type BeirDocument } from '../../datasets/beir.ts';
import { ensureTsApiDataset } from '../../datasets/ts-api.ts';

export const DEFAULT_INDEX_CORPUS = 'ts-api';

export interface IndexCorpus {
  /** "ts-api" or the folder's absolute path. */
  name: string;
  documents: BeirDocument[];
}

export class IndexCorpusError extends Error {}

/** `corpus`: "ts-api" or a BEIR folder (holding corpus.jsonl); `maxDocuments`: keep the first n. */
export function loadIndexCorpus(corpus: string, opts: { maxDocuments?: number; onLog?: (line: string) => void } = {}): IndexCorpus {
  let dir: string;
  let name: string;
  if (corpus === DEFAULT_INDEX_CORPUS) {
    dir = ensureTsApiDataset(opts.onLog ? { onLog: opts.onLog } : {}).dir;
    name = DEFAULT_INDEX_CORPUS;
  } else {
    dir = resolve(corpus);
    name = dir;
    if (!existsSync(join(dir, 'corpus.jsonl'))) {
      throw new IndexCorpusError(`--index-corpus ${corpus}: ${join(dir, 'corpus.jsonl')} not found; give a BEIR folder (corpus.jsonl with {"_id", "title"?, "text"} per line) or "${DEFAULT_INDEX_CORPUS}"`);
    }
  }
  let documents: BeirDocument[];
  try {
    documents = readBeirCorpus(dir);
  } catch (err) {
    throw new IndexCorpusError(`--index-corpus ${corpus}: ${(err as Error).message}`);
  }
  if (documents.length === 0) throw new IndexCorpusError(`--index-corpus ${corpus}: ${join(dir, 'corpus.jsonl')} holds no document`);
  if (opts.maxDocuments !== undefined) documents = documents.slice(0, opts.maxDocuments);
  return { name, documents };
}
