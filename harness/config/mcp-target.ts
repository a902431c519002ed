// `target: { mcp: { … } }` in a suite: an MCP server the harness starts from a command (stdio)
// or reaches at a loopback URL (Streamable HTTP), with an optional tool mapping that says which
// tools embed and search, under which argument names, and where in their results the vectors and
// hits are. Its schema, and its reading into an McpTargetSpec with every problem said where it is.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CALL_TIMEOUT, DEFAULT_TOOL_MAPPING } from '../mcp/client/default-mapping.ts';
import type { McpTargetSpec, McpToolMapping, ResolvedModel } from '../plan.ts';
import { DURATION_PATTERN, parseDuration } from './duration.ts';
import type { ConfigError } from './errors.ts';
import { formatPath, positionOf, type YamlSource } from './yaml-source.ts';

const NAME = { type: 'string', minLength: 1 } as const;
/** A dotted path into a tool result: `embeddings`, `data.vectors`, `hits.0.items`. */
const DOTTED = { type: 'string', pattern: '^[^.\\s]+(\\.[^.\\s]+)*$' } as const;

export const MCP_TARGET_SCHEMA = {
  type: 'object',
  description:
    'an MCP server: { command: [binary, args…] } started over stdio, or { url: http://127.0.0.1:PORT/mcp } over Streamable HTTP; ' +
    'tools?: which tools embed and search (default: embedgate serve --mcp’s embed and search); model?, queryPrefix?, documentPrefix?, cwd?, callTimeout?',
  additionalProperties: false,
  properties: {
    command: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'argv of a local MCP server speaking stdio; {model} is the file of model:' },
    url: { type: 'string', pattern: '^https?://', description: 'Streamable HTTP endpoint on this machine, e.g. http://127.0.0.1:8080/mcp' },
    cwd: { type: 'string', minLength: 1, description: 'command only: working directory of the server, relative to the suite file (default: the suite file’s folder)' },
    model: { type: 'string', minLength: 1, description: 'a model name from suites/models.yaml or a .gguf path: fills {model} in the command and gives the query and document prefixes' },
    queryPrefix: { type: 'string', description: 'text put before every query (default: model:’s, else none)' },
    documentPrefix: { type: 'string', description: 'text put before every document (default: model:’s, else none)' },
    callTimeout: { type: 'string', pattern: DURATION_PATTERN, description: `per tool call (default ${DEFAULT_CALL_TIMEOUT})` },
    tools: {
      type: 'object',
      additionalProperties: false,
      description: 'the tool mapping: tool names, argument names, and dotted paths into structuredContent (or into JSON in the first text block when there is none)',
      properties: {
        embed: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { ...NAME, description: `tool that embeds texts (default ${DEFAULT_TOOL_MAPPING.embed.name})` },
            texts: { ...NAME, description: `its argument holding the array of texts (default ${DEFAULT_TOOL_MAPPING.embed.texts})` },
            result: { ...DOTTED, description: `path to the array of vectors in its result (default ${DEFAULT_TOOL_MAPPING.embed.result})` },
          },
        },
        search: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { ...NAME, description: `tool that searches the server's own index (default ${DEFAULT_TOOL_MAPPING.search.name})` },
            query: { ...NAME, description: `its argument holding the query text (default ${DEFAULT_TOOL_MAPPING.search.query})` },
            k: { ...NAME, description: `its argument holding how many hits (default ${DEFAULT_TOOL_MAPPING.search.k})` },
            results: { ...DOTTED, description: `path to the array of hits, best first (default ${DEFAULT_TOOL_MAPPING.search.results})` },
            id: { ...DOTTED, description: `path to a hit's document id, inside one hit (default ${DEFAULT_TOOL_MAPPING.search.id})` },
            score: { ...DOTTED, description: `path to a hit's score, inside one hit (default ${DEFAULT_TOOL_MAPPING.search.score})` },
          },
        },
      },
    },
  },
} as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface McpReadContext {
  /** Resolves `model:` (names from suites/models.yaml or a path), throwing ModelResolutionError-like errors with `expected`. */
  resolveModel(name: string): ResolvedModel;
}

/**
 * The `mcp:` block of `key` (target or compare), or undefined when it is wrong: problems go to
 * `errors`; shapes and types are the schema's to report.
 */
export function readMcpTarget(source: YamlSource, key: string, context: McpReadContext, errors: ConfigError[]): McpTargetSpec | undefined {
  const value = ((source.data as Record<string, unknown>)[key] as Record<string, unknown> | undefined)?.['mcp'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const f = value as Record<string, unknown>;
  const base = [key, 'mcp'];
  const before = errors.length;
  const at = (segments: (string | number)[], message: string, expected: string, which: 'key' | 'value' = 'value') =>
    errors.push({ file: source.file, ...positionOf(source, [...base, ...segments], which), path: formatPath([...base, ...segments]), message, expected });
  const str = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);

  const hasCommand = f['command'] !== undefined;
  const hasUrl = f['url'] !== undefined;
  if (hasCommand === hasUrl) {
    at([], `mcp must have exactly one of command and url, ${hasCommand ? 'found both' : 'found neither'}`, 'mcp: { command: [binary, args…] } (stdio) or mcp: { url: http://127.0.0.1:PORT/mcp } (Streamable HTTP)');
    return undefined;
  }
  let model: ResolvedModel | undefined;
  const modelName = str('model');
  if (modelName !== undefined) {
    try {
      model = context.resolveModel(modelName);
    } catch (cause) {
      at(['model'], (cause as Error).message, (cause as { expected?: string }).expected ?? 'a model name from suites/models.yaml or a path to a .gguf file');
    }
  }
  let transport: McpTargetSpec['transport'] | undefined;
  if (hasUrl) {
    const url = str('url');
    if (url === undefined) return undefined;
    if (f['cwd'] !== undefined) at(['cwd'], `'cwd' applies to a server started from a command only`, 'remove it: a server at a URL runs where it is', 'key');
    let host: string | undefined;
    try {
      host = new URL(url).hostname;
    } catch {
      at(['url'], `${url} is not a URL`, 'e.g. http://127.0.0.1:8080/mcp');
    }
    if (host !== undefined && !LOOPBACK.has(host)) {
      at(['url'], `${host} is not this machine: an mcp target is reached on loopback only`, 'http://127.0.0.1:PORT/… (run the server here, or tunnel it to a loopback port)');
    }
    transport = { type: 'http', url };
  } else {
    const command = f['command'];
    if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string')) return undefined;
    const argv = [...(command as string[])];
    const suiteDir = path.dirname(source.file);
    const cwd = path.resolve(suiteDir, str('cwd') ?? '.');
    if (!existsSync(cwd)) at(['cwd'], `${cwd} does not exist`, 'a folder, relative to the suite file');
    // A bare name is looked up on PATH when it starts; a path is checked now, relative to cwd.
    if (argv[0]!.includes('/')) {
      const resolved = path.resolve(cwd, argv[0]!);
      if (!existsSync(resolved)) at(['command', 0], `${resolved} does not exist`, 'the path of the MCP server binary (relative to cwd:), or a name on PATH');
      argv[0] = resolved;
    }
    if (argv.some((a) => a.includes('{model}')) && modelName === undefined) {
      at(['command'], 'the command has {model} but the target names no model', 'model: <name from suites/models.yaml or a .gguf path>, or the model path written out');
    }
    transport = { type: 'stdio', command: argv, cwd };
  }
  const tools = readMapping(f['tools']);
  if (tools.search.query === tools.search.k) {
    at(['tools', 'search'], `the search tool's query and k are both the argument '${tools.search.k}': one call cannot carry both`, 'two argument names, e.g. { query: query, k: k }');
  }
  const timeout = str('callTimeout');
  if (errors.length > before) return undefined;
  return {
    transport: transport!,
    tools,
    ...(model ? { model } : {}),
    ...(str('queryPrefix') !== undefined ? { queryPrefix: str('queryPrefix')! } : {}),
    ...(str('documentPrefix') !== undefined ? { documentPrefix: str('documentPrefix')! } : {}),
    callTimeoutMs: parseDuration(timeout ?? DEFAULT_CALL_TIMEOUT) ?? parseDuration(DEFAULT_CALL_TIMEOUT)!,
  };
}

/** The suite's mapping over the defaults, field by field (the schema has checked the types). */
function readMapping(value: unknown): McpToolMapping {
  const given = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof McpToolMapping, Record<string, string>>>;
  return {
    embed: { ...DEFAULT_TOOL_MAPPING.embed, ...given.embed },
    search: { ...DEFAULT_TOOL_MAPPING.search, ...given.search },
  };
}
