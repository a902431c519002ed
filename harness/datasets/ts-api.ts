// The default retrieval dataset: documented API declarations from the installed TypeScript lib
// files and @types/node. The first sentence of a doc comment is the query; the declaration it
// documents (without the comment) is the relevant document. Built on first use into a git-ignored
// folder in the BEIR layout, deterministic for a given lockfile: same package versions, same bytes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type * as TS from 'typescript';
import { REPO_ROOT } from '../paths.ts';
import { beirFiles } from './beir.ts';

/** Bump when the extraction changes, so stale datasets are rebuilt. */
export const TS_API_BUILDER_VERSION = 1;
export const DEFAULT_DATASET_DIR = join(REPO_ROOT, 'fixtures', 'datasets', 'ts-api');
/** Enough for nDCG differences of about 0.01 to be resolved, small enough to embed in well under a minute. */
export const DEFAULT_DOCUMENT_TARGET = 3000;
/** A doc sentence shared by more declarations than this (addEventListener on every element) is no query. */
const MAX_RELEVANT = 3;
const MAX_DOCUMENT_CHARS = 700;
const MAX_QUERY_CHARS = 240;

export interface DatasetSource {
  package: string;
  version: string;
  files: number;
}

export interface DatasetManifest {
  kind: 'embedgate-dataset';
  name: 'ts-api';
  builderVersion: number;
  sources: DatasetSource[];
  documents: number;
  queries: number;
  /** Same value readBeirDataset computes: sha256 of corpus, queries and qrels. */
  revision: string;
}

interface Declaration {
  key: string;
  text: string;
  sentences: string[];
}

const require = createRequire(import.meta.url);

function loadTypeScript(): typeof TS {
  try {
    return require('typescript') as typeof TS;
  } catch {
    throw new Error(
      'the default retrieval dataset is built from the "typescript" and "@types/node" packages, which are not installed; ' +
        'run "npm ci" (dev dependencies included), or set retrieval.dataset to a BEIR folder of your own',
    );
  }
}

function packageDir(name: string): string {
  const dir = join(REPO_ROOT, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) {
    throw new Error(`${dir}: package "${name}" is not installed; run "npm ci", or set retrieval.dataset to a BEIR folder of your own`);
  }
  return dir;
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function listDts(dir: string, keep: (rel: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.d.ts') && keep(relative(dir, full))) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** The files the dataset is made from, per package, in a stable order. */
export function datasetSourceFiles(): { package: string; dir: string; files: string[] }[] {
  const node = packageDir('@types/node');
  const ts = packageDir('typescript');
  return [
    // ts5.x folders repeat declarations for older compilers.
    { package: '@types/node', dir: node, files: listDts(node, (rel) => !/^ts\d/.test(rel)) },
    {
      package: 'typescript',
      dir: ts,
      files: listDts(join(ts, 'lib'), (rel) => /^lib\.(es[0-9a-z]+(\.[a-z0-9]+)*|dom)\.d\.ts$/.test(rel) && !rel.includes('.full.')),
    },
  ];
}

/** Plain text of a doc comment's first sentence: markdown, links and tags removed. */
export function firstSentence(comment: string): string {
  const text = comment
    .replace(/\{@link(?:code|plain)?\s+([^}|\s]+)(?:[\s|][^}]*)?\}/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[*`]/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const end = /[.!?](\s|$)/.exec(text);
  let sentence = end ? text.slice(0, end.index + 1) : text;
  if (sentence.length > MAX_QUERY_CHARS) sentence = sentence.slice(0, sentence.lastIndexOf(' ', MAX_QUERY_CHARS)) + ' …';
  return sentence;
}

function isUsableQuery(sentence: string): boolean {
  const words = sentence.split(' ').filter((w) => /[a-z]/i.test(w));
  return words.length >= 4 && !/^(deprecated|@|see |since |this api is|experimental)/i.test(sentence);
}

function cap(text: string): string {
  if (text.length <= MAX_DOCUMENT_CHARS) return text;
  const cut = text.lastIndexOf('\n', MAX_DOCUMENT_CHARS);
  return `${text.slice(0, cut > MAX_DOCUMENT_CHARS / 2 ? cut : MAX_DOCUMENT_CHARS)} …`;
}

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\n\s*\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n  ')
    .trim();
}

/** Declarations with doc comments in one .d.ts file, overloads of one member merged. */
export function extractDeclarations(ts: typeof TS, fileName: string, source: string, label: string): Declaration[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const byKey = new Map<string, { header: string; texts: string[]; sentences: string[] }>();
  const nameOf = (node: TS.Node): string | undefined => {
    const name = (node as { name?: TS.Node }).name;
    if (name) return name.getText(sf).replace(/^["']|["']$/g, '').replace(/^node:/, '');
    if (ts.isConstructSignatureDeclaration(node) || ts.isConstructorDeclaration(node)) return 'constructor';
    if (ts.isCallSignatureDeclaration(node)) return '(call)';
    if (ts.isIndexSignatureDeclaration(node)) return '[index]';
    if (ts.isVariableStatement(node)) return nameOf(node.declarationList.declarations[0]!);
    return undefined;
  };
  const headerOf = (node: TS.Node): string => {
    const full = stripComments(node.getText(sf));
    const brace = full.indexOf('{');
    return (brace < 0 ? full : full.slice(0, brace)).replace(/\s+/g, ' ').trim();
  };
  const isContainer = (node: TS.Node) =>
    ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node) || ts.isModuleDeclaration(node);

  const visit = (node: TS.Node, containers: { name: string; header: string }[]) => {
    const docs = (node as { jsDoc?: TS.JSDoc[] }).jsDoc;
    const name = nameOf(node);
    // Undocumented overloads still join the document of their documented sibling.
    if (name !== undefined && !ts.isModuleDeclaration(node) && !ts.isTypeParameterDeclaration(node)) {
      const comment = docs && docs.length > 0 ? (ts.getTextOfJSDocComment(docs[docs.length - 1]!.comment) ?? '') : '';
      const sentence = firstSentence(comment);
      let text: string;
      if (isContainer(node)) {
        const members = ((node as TS.InterfaceDeclaration).members ?? []) as readonly TS.Node[];
        const names = [...new Set(members.map(nameOf).filter((n): n is string => n !== undefined))];
        text = `${headerOf(node)} { ${names.slice(0, 16).join('; ')}${names.length > 16 ? '; …' : ''} }`;
      } else {
        text = stripComments(node.getText(sf));
      }
      const path = [...containers.map((c) => c.name), name].join('.');
      const key = `${label}#${path}`;
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { header: containers.at(-1)?.header ?? '', texts: [], sentences: [] }));
      if (!entry.texts.includes(text)) entry.texts.push(text);
      if (isUsableQuery(sentence) && !entry.sentences.includes(sentence)) entry.sentences.push(sentence);
    }
    // Only declarations that hold declarations: a property of an inline type is not API of its own.
    if (ts.isSourceFile(node) || ts.isModuleBlock(node)) ts.forEachChild(node, (child) => visit(child, containers));
    else if (isContainer(node) && name !== undefined) {
      const inner = [...containers, { name, header: headerOf(node) }];
      ts.forEachChild(node, (child) => visit(child, inner));
    }
  };
  visit(sf, []);

  return [...byKey.entries()]
    .filter(([, e]) => e.sentences.length > 0)
    .map(([key, e]) => {
      const body = e.texts.join('\n');
      const text = e.header ? `${e.header} {\n  ${body.replace(/\n/g, '\n  ')}\n}` : body;
      return { key, text: cap(text), sentences: e.sentences };
    });
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export interface BuiltDataset {
  corpus: { _id: string; title: string; text: string }[];
  queries: { _id: string; text: string }[];
  qrels: [string, string, number][];
  sources: DatasetSource[];
}

/** Builds the dataset in memory. Selection is by hash, so it depends only on the files' content. */
export function buildTsApiDataset(documentTarget = DEFAULT_DOCUMENT_TARGET): BuiltDataset {
  const ts = loadTypeScript();
  const sources = datasetSourceFiles();
  const declarations: Declaration[] = [];
  for (const src of sources) {
    for (const file of src.files) {
      const label = `${src.package}/${relative(src.dir, file)}`;
      declarations.push(...extractDeclarations(ts, file, readFileSync(file, 'utf8'), label));
    }
  }
  // The same declaration text in two files (lib.dom and lib.es2015 both declaring a member) is one document.
  const docByText = new Map<string, string>();
  const docText = new Map<string, string>();
  const docsBySentence = new Map<string, Set<string>>();
  for (const d of declarations) {
    let id = docByText.get(d.text);
    if (!id) {
      id = d.key;
      docByText.set(d.text, id);
      docText.set(id, d.text);
    }
    for (const s of d.sentences) {
      let set = docsBySentence.get(s);
      if (!set) docsBySentence.set(s, (set = new Set()));
      set.add(id);
    }
  }
  const candidates = [...docsBySentence.entries()]
    .filter(([, ids]) => ids.size <= MAX_RELEVANT)
    .map(([sentence, ids]) => ({ sentence, ids: [...ids].sort(), order: sha(sentence) }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));

  const chosenDocs = new Set<string>();
  const queries: BuiltDataset['queries'] = [];
  const qrels: BuiltDataset['qrels'] = [];
  for (const c of candidates) {
    if (chosenDocs.size >= documentTarget) break;
    const id = `q-${c.order.slice(0, 12)}`;
    queries.push({ _id: id, text: c.sentence });
    for (const doc of c.ids) {
      chosenDocs.add(doc);
      qrels.push([id, doc, 1]);
    }
  }
  const corpus = [...chosenDocs].sort().map((id) => ({ _id: id, title: '', text: docText.get(id)! }));
  return {
    corpus,
    queries,
    qrels,
    sources: sources.map((s) => ({ package: s.package, version: packageVersion(s.dir), files: s.files.length })),
  };
}

export function readDatasetManifest(dir: string): DatasetManifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'dataset.json'), 'utf8')) as DatasetManifest;
    return m.kind === 'embedgate-dataset' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the BEIR folder atomically (build in a sibling, then rename). */
export function writeTsApiDataset(dir: string, built: BuiltDataset): DatasetManifest {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'qrels'), { recursive: true });
  const files = beirFiles(tmp);
  const corpus = built.corpus.map((d) => JSON.stringify(d)).join('\n') + '\n';
  const queries = built.queries.map((q) => JSON.stringify(q)).join('\n') + '\n';
  const qrels = ['query-id\tcorpus-id\tscore', ...built.qrels.map((r) => r.join('\t'))].join('\n') + '\n';
  writeFileSync(files.corpus, corpus);
  writeFileSync(files.queries, queries);
  writeFileSync(files.qrels, qrels);
  const manifest: DatasetManifest = {
    kind: 'embedgate-dataset',
    name: 'ts-api',
    builderVersion: TS_API_BUILDER_VERSION,
    sources: built.sources,
    documents: built.corpus.length,
    queries: built.queries.length,
    revision: createHash('sha256').update(corpus).update('\0').update(queries).update('\0').update(qrels).digest('hex'),
  };
  writeFileSync(join(tmp, 'dataset.json'), JSON.stringify(manifest, null, 2) + '\n');
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return manifest;
}

/** True when the folder was built by this builder from the package versions installed now. */
function isCurrent(manifest: DatasetManifest | undefined): boolean {
  if (!manifest || manifest.builderVersion !== TS_API_BUILDER_VERSION) return false;
  return manifest.sources.every((s) => {
    try {
      return packageVersion(packageDir(s.package)) === s.version;
    } catch {
      return false;
    }
  });
}

/** The default dataset's folder, built first when missing or made from other package versions. */
export function ensureTsApiDataset(opts: { dir?: string; onLog?: (m: string) => void; rebuild?: boolean } = {}): { dir: string; manifest: DatasetManifest } {
  const dir = opts.dir ?? DEFAULT_DATASET_DIR;
  const existing = readDatasetManifest(dir);
  if (!opts.rebuild && isCurrent(existing) && existsSync(beirFiles(dir).qrels)) return { dir, manifest: existing! };
  const started = Date.now();
  opts.onLog?.(`dataset ts-api: building from installed .d.ts files into ${dir}`);
  const manifest = writeTsApiDataset(dir, buildTsApiDataset());
  opts.onLog?.(`dataset ts-api: ${manifest.documents} documents, ${manifest.queries} queries in ${Date.now() - started} ms`);
  return { dir, manifest };
}
