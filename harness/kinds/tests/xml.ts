// XML report files (JUnit, Cobertura) through fast-xml-parser: validated first, so a truncated or
// malformed file is an error naming its line and column rather than a half-read result.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ReportError } from './report-error.ts';

export type XmlNode = Record<string, unknown>;

/** Parses `text` (the content of `file`); elements named in `lists` are always arrays. */
export function parseXml(file: string, text: string, lists: readonly string[]): XmlNode {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new ReportError(file, `not well-formed XML: ${valid.err.msg}`, valid.err.line, valid.err.col);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    // Attribute values stay strings: "1.0" and "1" must be read the way this file means them.
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
    isArray: (name) => lists.includes(name),
  });
  return parser.parse(text) as XmlNode;
}

/** The children named `name` of an element (none when absent). */
export function children(node: unknown, name: string): XmlNode[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as XmlNode)[name];
  if (value === undefined) return [];
  // `<failure>text</failure>` parses to the string itself, `<skipped/>` to ''.
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'object' && v !== null ? (v as XmlNode) : v === '' ? {} : { '#text': String(v) }));
}

export function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** A numeric attribute; undefined when absent or not a number. */
export function numberAttr(node: XmlNode, name: string): number | undefined {
  const text = attr(node, name);
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function text(node: XmlNode): string | undefined {
  const value = node['#text'];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export function has(node: XmlNode, name: string): boolean {
  return node[name] !== undefined;
}
