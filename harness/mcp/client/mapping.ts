// Reads tool results through a suite's tool mapping: the arguments an embed or search call gets,
// and the vectors or hits in its answer, found by a dotted path into structuredContent (or into
// the JSON of the first text block, for servers that return no structured content). What is not
// where the mapping says is a 'shape' fault; a text block that is not JSON is a 'json' fault;
// both carry a message naming the tool, the path and what was there instead.
import type { McpToolMapping } from '../../plan.ts';

/** The parts of an MCP CallToolResult read here (the SDK's type is wider). */
export interface ToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

export type AnswerFault = 'json' | 'shape';

/** The answer is not what the mapping expects. `fault` is the answer checker's reason. */
export class ToolAnswerError extends Error {
  override readonly name = 'ToolAnswerError';
  constructor(
    message: string,
    readonly fault: AnswerFault,
  ) {
    super(message);
  }
}

/** The tool answered with isError: true (a tool's own failure, the MCP form of a non-2xx answer). */
export class ToolCallError extends Error {
  override readonly name = 'ToolCallError';
}

export function embedArguments(mapping: McpToolMapping, texts: readonly string[]): Record<string, unknown> {
  return { [mapping.embed.texts]: texts };
}

export function searchArguments(mapping: McpToolMapping, query: string, k: number): Record<string, unknown> {
  return { [mapping.search.query]: query, [mapping.search.k]: k };
}

/** What a dotted path leads to inside a value; undefined when any step is missing. Numeric steps index arrays. */
export function readPath(value: unknown, dotted: string): unknown {
  let at = value;
  for (const step of dotted.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = Array.isArray(at) ? (/^\d+$/.test(step) ? at[Number(step)] : undefined) : (at as Record<string, unknown>)[step];
  }
  return at;
}

function firstText(result: ToolResult): string | undefined {
  if (!Array.isArray(result.content)) return undefined;
  const block = result.content.find((b) => typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'text') as { text?: unknown } | undefined;
  return typeof block?.text === 'string' ? block.text : undefined;
}

/** structuredContent, else the JSON of the first text block. Throws ToolCallError for isError answers. */
export function payloadOf(tool: string, result: ToolResult): unknown {
  if (result.isError) throw new ToolCallError(`tool ${tool} answered with an error: ${(firstText(result) ?? '(no text)').slice(0, 300)}`);
  if (result.structuredContent !== undefined && result.structuredContent !== null) return result.structuredContent;
  const text = firstText(result);
  if (text === undefined) throw new ToolAnswerError(`tool ${tool}: the answer has neither structuredContent nor a text block`, 'shape');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ToolAnswerError(`tool ${tool}: no structuredContent, and the first text block is not JSON (starts ${JSON.stringify(text.slice(0, 60))})`, 'json');
  }
}

const describe = (v: unknown) => (v === undefined ? 'nothing' : Array.isArray(v) ? `an array of ${v.length}` : typeof v);

/**
 * The vectors of an embed answer as plain number arrays, exactly as the server sent them (values
 * are not judged here: the caller checks count, dimension and finiteness).
 */
export function vectorsOf(mapping: McpToolMapping, result: ToolResult): unknown[] {
  const { name, result: path } = mapping.embed;
  const found = readPath(payloadOf(name, result), path);
  if (!Array.isArray(found)) throw new ToolAnswerError(`tool ${name}: expected an array of vectors at ${path}, found ${describe(found)} (set tools.embed.result to where the vectors are)`, 'shape');
  return found;
}

export interface SearchHit {
  id: string;
  score: number;
}

/** The hits of a search answer, best first, as the server ranked them. */
export function hitsOf(mapping: McpToolMapping, result: ToolResult): SearchHit[] {
  const m = mapping.search;
  const found = readPath(payloadOf(m.name, result), m.results);
  if (!Array.isArray(found)) throw new ToolAnswerError(`tool ${m.name}: expected an array of hits at ${m.results}, found ${describe(found)} (set tools.search.results)`, 'shape');
  return found.map((hit, i) => {
    const id = readPath(hit, m.id);
    const score = readPath(hit, m.score);
    if (typeof id !== 'string' && typeof id !== 'number') throw new ToolAnswerError(`tool ${m.name}: hit ${i} has no id at ${m.id} (found ${describe(id)}; set tools.search.id)`, 'shape');
    if (typeof score !== 'number') throw new ToolAnswerError(`tool ${m.name}: hit ${i} has no numeric score at ${m.score} (found ${describe(score)}; set tools.search.score)`, 'shape');
    return { id: String(id), score };
  });
}
