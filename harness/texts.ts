// Text sets used by bench and golden recording: a JSON file of items with a role, so the right
// model prefix (query or document) is applied, as the model's authors ask.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResolvedModel } from './plan.ts';

export type TextRole = 'query' | 'document';

export interface TextItem {
  id: string;
  role: TextRole;
  text: string;
}

export const DEFAULT_TEXTS_FILE = fileURLToPath(new URL('../fixtures/texts/code-search-sample.json', import.meta.url));

export class TextsFileError extends Error {}

export function loadTexts(file: string = DEFAULT_TEXTS_FILE): TextItem[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TextsFileError(`${file}: cannot read texts (${(err as Error).message}); expected a JSON file { "items": [{ "id", "role", "text" }] }`);
  }
  const items = (raw as { items?: unknown })?.items;
  if (!Array.isArray(items) || items.length === 0) {
    throw new TextsFileError(`${file}: expected a non-empty "items" array of { "id", "role": "query"|"document", "text" }`);
  }
  return items.map((item, i) => {
    const { id, role, text } = (item ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof text !== 'string' || text.length === 0 || (role !== 'query' && role !== 'document')) {
      throw new TextsFileError(`${file}: items[${i}] must have a string "id", a non-empty "text" and "role" "query" or "document"`);
    }
    return { id, role, text };
  });
}

/** The exact string a model embeds for an item: its prefix for the item's role, then the text. */
export function withPrefix(model: Pick<ResolvedModel, 'queryPrefix' | 'documentPrefix'>, item: TextItem): string {
  return (item.role === 'query' ? model.queryPrefix : model.documentPrefix) + item.text;
}
