// A YAML file parsed with its positions kept, so that any error found later (schema, checks,
// models) can point at file:line:col. Also turns YAML's own errors into ConfigErrors.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import type { ConfigError } from './errors.ts';

export type PathSegment = string | number;

export interface YamlSource {
  file: string;
  text: string;
  sha256: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain JavaScript value of the document (undefined for an empty file). */
  data: unknown;
}

export type ReadResult = { ok: true; source: YamlSource; errors: ConfigError[] } | { ok: false; errors: ConfigError[] };

/** Reads a file that must hold one mapping (a suite, a gate): anything else is one clear error. */
export function readYamlMapping(file: string, what: string, expectedKeys: string): ReadResult {
  const read = readYaml(file);
  if (!read.ok) return read;
  const data = read.source.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, errors: [...read.errors, { file, line: 1, col: 1, path: '', message: `a ${what} file must be a mapping`, expected: expectedKeys }] };
  }
  return read;
}

/**
 * Reads and parses a file. Duplicate keys are reported and the later ones dropped, so the rest of
 * the file is checked as the reader sees it first; any other YAML error stops the load, since the
 * document is then not trustworthy.
 */
export function readYaml(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read file: ${String(cause)}`;
    return { ok: false, errors: [{ file, line: 0, col: 0, path: '', message: reason }] };
  }
  const lineCounter = new LineCounter();
  // resolveKnownTags: false, so that YAML 1.1 tags (!!binary, !!set, !!timestamp) are reported
  // like any other unknown tag instead of turning into Buffers, Sets and Dates no schema expects.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, resolveKnownTags: false });
  const partial: YamlSource = { file, text, sha256: sha256(text), doc, lineCounter, data: undefined };
  const at = (offset: number) => ({ file, ...lineCounter.linePos(offset), path: formatPath(pathAtOffset(doc, offset)) });
  const errors = doc.errors
    .filter((e) => e.code !== 'DUPLICATE_KEY')
    .map((e): ConfigError => ({ ...at(e.pos[0]), message: `YAML syntax error: ${firstLine(e.message)}`, expected: 'valid YAML' }));
  errors.push(...nodeErrors(partial, at));
  if (errors.length > 0) return { ok: false, errors };
  // An unknown tag leaves its value a plain string: reported, and the rest still checked.
  errors.push(...doc.warnings.map((w): ConfigError => ({ ...at(w.pos[0]), message: warningMessage(w.message), expected: 'plain YAML values, without tags' })));
  errors.push(...dropDuplicateKeys(partial));
  try {
    partial.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    // Every alias resolves and none is circular by now, so this is the expansion limit.
    const first = firstAlias(doc);
    return { ok: false, errors: [{ ...at(first?.range?.[0] ?? 0), message: `YAML aliases: ${(cause as Error).message}`, expected: `aliases that expand to at most ${MAX_ALIAS_COUNT} nodes` }] };
  }
  return { ok: true, source: partial, errors };
}

/** How many nodes aliases may expand to, so that a "billion laughs" file cannot exhaust memory. */
const MAX_ALIAS_COUNT = 100;

type At = (offset: number) => Omit<ConfigError, 'message'>;

/**
 * What the parser accepts but toJS would throw on or silently change: an alias with no anchor
 * before it, an alias inside the node it names, a `<<` merge key (YAML 1.1 only: here it would be
 * a plain key), and a key that is a mapping or sequence (JavaScript would stringify it).
 */
function nodeErrors(source: YamlSource, at: At): ConfigError[] {
  const errors: ConfigError[] = [];
  visit(source.doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(source.doc);
      const offset = alias.range?.[0] ?? 0;
      if (target === undefined) {
        errors.push({ ...at(offset), message: `YAML alias *${alias.source} has no anchor &${alias.source} before it`, expected: `an anchor &${alias.source} earlier in the file, or the value written out` });
      } else if (path.includes(target)) {
        errors.push({ ...at(offset), message: `YAML alias *${alias.source} sits inside the node it names, so it never ends`, expected: 'an alias outside its anchored node' });
      }
    },
    Pair(_key, pair) {
      const key = pair.key as Node | null;
      const offset = key?.range?.[0] ?? 0;
      if (isScalar(key) && key.value === '<<' && key.type === 'PLAIN') {
        errors.push({ ...at(offset), message: 'YAML merge keys (<<) are not supported', expected: 'the merged keys written out' });
      } else if (key !== null && !isScalar(key)) {
        errors.push({ ...at(offset), message: 'a mapping key must be a plain value, not a mapping, sequence or alias', expected: 'a name such as `timeout`' });
      }
    },
  });
  return errors;
}

function warningMessage(message: string): string {
  const tag = /^Unresolved tag: (\S+)/.exec(message)?.[1];
  return tag ? `YAML tag ${tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not supported` : `YAML: ${firstLine(message)}`;
}

function firstAlias(doc: Document.Parsed): Node | undefined {
  let found: Node | undefined;
  visit(doc, { Alias: (_key, alias) => ((found = alias), visit.BREAK) });
  return found;
}

/** Removes every repeated key of every mapping, keeping the first, and reports each one. */
function dropDuplicateKeys(source: YamlSource): ConfigError[] {
  const errors: ConfigError[] = [];
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isSeq(node)) node.items.forEach((item, i) => visit(item, [...path, i]));
    if (!isMap(node)) return;
    const first = new Map<string, Pair>();
    node.items = node.items.filter((pair) => {
      if (!isScalar(pair.key)) return true;
      const key = String(pair.key.value);
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, pair);
        visit(pair.value, [...path, key]);
        return true;
      }
      const at = source.lineCounter.linePos(pair.key.range![0]);
      const was = source.lineCounter.linePos((earlier.key as Node).range![0]);
      errors.push({
        file: source.file,
        ...at,
        path: formatPath([...path, key]),
        message: `duplicate key '${key}': already set at line ${was.line}; this one is ignored`,
        expected: 'each key once per mapping',
      });
      return false;
    });
  };
  visit(source.doc.contents, []);
  return errors;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The node at a path, and the key/value pair holding it when it sits in a mapping. */
export function nodeAt(source: YamlSource, segments: readonly PathSegment[]): { node?: Node; pair?: Pair } {
  let node: unknown = source.doc.contents;
  let pair: Pair | undefined;
  for (const segment of segments) {
    if (isMap(node)) {
      pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) return {};
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
      pair = undefined;
      if (node === undefined) return {};
    } else {
      return {};
    }
  }
  return { node: node as Node, ...(pair ? { pair } : {}) };
}

/**
 * Line and column of the value at a path (or of its key, with `at: 'key'`). Falls back to the
 * nearest existing ancestor, so that a missing key points at the mapping that should hold it.
 */
export function positionOf(source: YamlSource, segments: readonly PathSegment[], at: 'value' | 'key' = 'value'): { line: number; col: number } {
  for (let n = segments.length; n >= 0; n--) {
    const { node, pair } = nodeAt(source, segments.slice(0, n));
    const target = at === 'key' && n === segments.length && pair && isScalar(pair.key) ? pair.key : node;
    // An empty value (`timeout:`) has no node of its own; its key is the best place to point.
    const range = target?.range ?? (pair && isScalar(pair.key) ? pair.key.range : undefined);
    if (range) return source.lineCounter.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

/** `checks[2]`, `bench.time`, `target.gguf`; '' for the root. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>((text, s) => (typeof s === 'number' ? `${text}[${s}]` : text === '' ? s : `${text}.${s}`), '');
}

/** Segments of an ajv instancePath (`/checks/2`), with array indices as numbers. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** The deepest path whose key or value spans `offset`, to name where a YAML error sits. */
function pathAtOffset(doc: Document.Parsed, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const hit = node.items.find((p) => isPair(p) && spans(p.key, offset, p.value));
      if (!hit || !isScalar(hit.key)) return path;
      path.push(String(hit.key.value));
      node = hit.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => spans(item, offset));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

function spans(from: unknown, offset: number, to: unknown = from): boolean {
  const start = (from as Node | null)?.range?.[0];
  const end = ((to as Node | null)?.range ?? (from as Node | null)?.range)?.[2];
  return start !== undefined && end !== undefined && start <= offset && offset < end;
}
