// Reads a retrieval dataset in the BEIR layout that MTEB and CoIR use:
//   corpus.jsonl      {"_id", "title"?, "text"} per line
//   queries.jsonl     {"_id", "text"} per line
//   qrels/<split>.tsv query-id <TAB> corpus-id <TAB> score, with a header line
// Only queries that have at least one relevant document (score > 0) are evaluated, as BEIR does.
// The revision is a sha256 over the three files, so a result names exactly the data it measured.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BeirDocument {
  id: string;
  /** Title and text joined by a space, as BEIR embeds them. */
  text: string;
}

export interface BeirQuery {
  id: string;
  text: string;
}

export interface BeirDataset {
  dir: string;
  split: string;
  documents: BeirDocument[];
  /** Only the queries with at least one relevant document, in file order. */
  queries: BeirQuery[];
  /** query id → (document id → graded relevance > 0). */
  qrels: Map<string, Map<string, number>>;
  /** sha256 of corpus.jsonl, queries.jsonl and the qrels file, in that order. */
  revision: string;
  /** Queries in queries.jsonl that the qrels give no relevant document (not evaluated). */
  unjudgedQueries: number;
}

export class BeirDatasetError extends Error {}

export function beirFiles(dir: string, split = 'test'): { corpus: string; queries: string; qrels: string } {
  return { corpus: join(dir, 'corpus.jsonl'), queries: join(dir, 'queries.jsonl'), qrels: join(dir, 'qrels', `${split}.tsv`) };
}

function readText(file: string, what: string): string {
  if (!existsSync(file)) {
    throw new BeirDatasetError(`${file}: not found; a BEIR dataset folder holds corpus.jsonl, queries.jsonl and qrels/<split>.tsv (${what})`);
  }
  return readFileSync(file, 'utf8');
}

function* jsonLines(file: string, text: string): Generator<{ line: number; value: Record<string, unknown> }> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new BeirDatasetError(`${file}:${i + 1}: not a JSON object (${(err as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BeirDatasetError(`${file}:${i + 1}: expected a JSON object with "_id" and "text"`);
    }
    yield { line: i + 1, value: value as Record<string, unknown> };
  }
}

/** BEIR ids are strings, but some exports write numbers. */
function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** The documents of a BEIR folder's corpus.jsonl alone (an index needs no queries or qrels). */
export function readBeirCorpus(dir: string): BeirDocument[] {
  const file = beirFiles(dir).corpus;
  return parseCorpus(file, readText(file, 'the documents'));
}

function parseCorpus(file: string, corpusText: string): BeirDocument[] {
  const documents: BeirDocument[] = [];
  const docIds = new Set<string>();
  for (const { line, value } of jsonLines(file, corpusText)) {
    const id = idOf(value['_id']);
    const body = typeof value['text'] === 'string' ? value['text'] : undefined;
    const title = typeof value['title'] === 'string' ? value['title'] : '';
    if (id === undefined || body === undefined) throw new BeirDatasetError(`${file}:${line}: a document needs a string "_id" and "text"`);
    if (docIds.has(id)) throw new BeirDatasetError(`${file}:${line}: document id "${id}" appears twice`);
    const text = title ? `${title} ${body}` : body;
    if (text.trim() === '') throw new BeirDatasetError(`${file}:${line}: document "${id}" has no text`);
    docIds.add(id);
    documents.push({ id, text });
  }
  return documents;
}

export function readBeirDataset(dir: string, split = 'test'): BeirDataset {
  const files = beirFiles(dir, split);
  const corpusText = readText(files.corpus, 'the documents');
  const queriesText = readText(files.queries, 'the queries');
  const qrelsText = readText(files.qrels, `the relevance judgements of split "${split}"`);

  const documents = parseCorpus(files.corpus, corpusText);
  const docIds = new Set(documents.map((d) => d.id));

  const qrels = new Map<string, Map<string, number>>();
  const qrelLines = qrelsText.split('\n');
  for (let i = 0; i < qrelLines.length; i++) {
    const raw = qrelLines[i]!.trim();
    if (raw === '') continue;
    const cols = raw.split('\t');
    if (i === 0 && !/^-?\d+(\.\d+)?$/.test(cols[2] ?? '')) continue; // header: query-id corpus-id score
    if (cols.length < 3) throw new BeirDatasetError(`${files.qrels}:${i + 1}: expected query-id<TAB>corpus-id<TAB>score`);
    const [queryId, docId, scoreText] = cols as [string, string, string];
    const score = Number(scoreText);
    if (!Number.isFinite(score)) throw new BeirDatasetError(`${files.qrels}:${i + 1}: score "${scoreText}" is not a number`);
    if (!docIds.has(docId)) throw new BeirDatasetError(`${files.qrels}:${i + 1}: document "${docId}" is not in corpus.jsonl`);
    if (score <= 0) continue;
    let judged = qrels.get(queryId);
    if (!judged) qrels.set(queryId, (judged = new Map()));
    judged.set(docId, score);
  }

  const queries: BeirQuery[] = [];
  let unjudgedQueries = 0;
  const queryIds = new Set<string>();
  for (const { line, value } of jsonLines(files.queries, queriesText)) {
    const id = idOf(value['_id']);
    const text = value['text'];
    if (id === undefined || typeof text !== 'string' || text.trim() === '') {
      throw new BeirDatasetError(`${files.queries}:${line}: a query needs a string "_id" and a non-empty "text"`);
    }
    if (queryIds.has(id)) throw new BeirDatasetError(`${files.queries}:${line}: query id "${id}" appears twice`);
    queryIds.add(id);
    if (qrels.has(id)) queries.push({ id, text });
    else unjudgedQueries++;
  }
  const missing = [...qrels.keys()].filter((id) => !queryIds.has(id));
  if (missing.length > 0) {
    throw new BeirDatasetError(`${files.qrels}: ${missing.length} query id(s) are not in queries.jsonl, e.g. "${missing[0]}"`);
  }
  if (queries.length === 0) throw new BeirDatasetError(`${files.qrels}: no query has a relevant document (score > 0); nothing to evaluate`);

  const revision = createHash('sha256').update(corpusText).update('\0').update(queriesText).update('\0').update(qrelsText).digest('hex');
  return { dir, split, documents, queries, qrels, revision, unjudgedQueries };
}
