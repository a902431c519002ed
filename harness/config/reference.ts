// The `reference:` entry of a load suite: a server to measure beside the target in the same run,
// either where it is (`http: URL`, like target:) or started by the harness from a command
// (`command: [binary, args…]` with {model} and {port} placeholders, e.g. llama.cpp's
// llama-server on the target's own GGUF file). Its schema, and its reading into a ReferenceSpec
// with every problem said where it is.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { HttpTargetSpec, ReferenceSpec } from '../plan.ts';
import { DURATION_PATTERN, parseDuration } from './duration.ts';
import type { ConfigError } from './errors.ts';
import { formatPath, positionOf, type YamlSource } from './yaml-source.ts';

export const DEFAULT_READY_PATH = '/health';
export const DEFAULT_READY_TIMEOUT = '2m';

export const REFERENCE_SCHEMA = {
  type: 'object',
  description:
    'load suites only: a reference server measured beside the target in the same run (A B R A B R), read as reference.* in checks. ' +
    '{ http: <URL>, model?, apiKeyEnv?, queryPrefix?, documentPrefix? } or { command: [binary, args…] with {model} and {port}, port?, ready?, readyTimeout?, model? }',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    http: { type: 'string', pattern: '^https?://', description: 'base URL of an OpenAI-compatible embeddings server, e.g. http://127.0.0.1:8080' },
    command: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description:
        'a server to start on 127.0.0.1 and stop at the end: argv, {model} = the target’s GGUF file, {port} = a free port, e.g. [llama-server, -m, "{model}", --embeddings, --pooling, mean, --port, "{port}", --host, 127.0.0.1]',
    },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'command only: the port it listens on, when {port} cannot be passed (default: a free port, given as {port})' },
    ready: { type: 'string', pattern: '^/', description: `command only: path polled until it answers 200 (default ${DEFAULT_READY_PATH})` },
    readyTimeout: { type: 'string', pattern: DURATION_PATTERN, description: `command only: how long it may take to become ready (default ${DEFAULT_READY_TIMEOUT})` },
    model: { type: 'string', minLength: 1, description: 'model id sent with each request (default: the first one the server lists at /v1/models)' },
    apiKeyEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'http only: environment variable holding the API key' },
    queryPrefix: { type: 'string', description: 'text put before every query (default: the target’s)' },
    documentPrefix: { type: 'string', description: 'text put before every document (default: the target’s)' },
  },
} as const;

const COMMAND_ONLY = ['port', 'ready', 'readyTimeout'] as const;

/**
 * The suite's `reference:`, or undefined when it has none or it is wrong (problems go to `errors`;
 * shapes and types are the schema's to report). `targetType` says whether {model} can be filled.
 */
export function readReference(source: YamlSource, kind: string | undefined, targetType: string | undefined, errors: ConfigError[]): ReferenceSpec | undefined {
  const value = (source.data as Record<string, unknown>)['reference'];
  if (value === undefined) return undefined;
  const at = (segments: (string | number)[], message: string, expected: string, which: 'key' | 'value' = 'value') =>
    errors.push({ file: source.file, ...positionOf(source, segments, which), path: formatPath(segments), message, expected });
  if (kind !== undefined && kind !== 'load') {
    at(['reference'], `reference: is read by load suites only; a suite of kind ${kind} would never drive it`, 'remove reference:, or make this a load suite', 'key');
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const f = value as Record<string, unknown>;
  const position = { file: source.file, ...positionOf(source, ['reference']) };
  const hasHttp = f['http'] !== undefined;
  const hasCommand = f['command'] !== undefined;
  if (hasHttp === hasCommand) {
    at(['reference'], `reference must have exactly one of http and command, ${hasHttp ? 'found both' : 'found neither'}`, 'reference: { http: <URL> } or reference: { command: [binary, args…] }');
    return undefined;
  }
  const str = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  const text = { ...(str('model') ? { model: str('model') } : {}), ...(str('queryPrefix') !== undefined ? { queryPrefix: str('queryPrefix') } : {}), ...(str('documentPrefix') !== undefined ? { documentPrefix: str('documentPrefix') } : {}) };
  if (hasHttp) {
    const url = str('http');
    if (url === undefined) return undefined;
    for (const k of COMMAND_ONLY) if (f[k] !== undefined) at(['reference', k], `'${k}' applies to a reference started from a command only`, 'remove it: an http reference is used where it is', 'key');
    const http: HttpTargetSpec = { url, ...text, ...(str('apiKeyEnv') ? { apiKeyEnv: str('apiKeyEnv') } : {}) };
    return { type: 'http', http, position };
  }
  const command = f['command'];
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string')) return undefined;
  if (f['apiKeyEnv'] !== undefined) at(['reference', 'apiKeyEnv'], `'apiKeyEnv' applies to an http reference only`, 'remove it: a server the harness starts needs no key', 'key');
  const argv = [...(command as string[])];
  const port = typeof f['port'] === 'number' ? f['port'] : undefined;
  if (port === undefined && !argv.some((a) => a.includes('{port}'))) {
    at(['reference', 'command'], 'the command has no {port} and reference: no port, so the harness cannot know where the server listens', 'an argument with {port} (e.g. --port, "{port}"), or port: <number>');
  }
  if (argv.some((a) => a.includes('{model}')) && targetType !== undefined && targetType !== 'gguf') {
    at(['reference', 'command'], `{model} is the target's GGUF file, but the target is ${targetType}, not gguf`, 'a gguf target, or the model path written out in the command');
  }
  const binary = argv[0]!;
  // A bare name is looked up on PATH when it starts; a path is checked now, relative to the suite file.
  if (binary.includes('/')) {
    const resolved = path.resolve(path.dirname(source.file), binary);
    if (!existsSync(resolved)) at(['reference', 'command', 0], `${resolved} does not exist`, 'the path of the server binary, e.g. a llama-server built as README "Reference server" says');
    argv[0] = resolved;
  }
  const readyTimeout = str('readyTimeout');
  return {
    type: 'command',
    command: argv,
    ...(port !== undefined ? { port } : {}),
    ready: str('ready') ?? DEFAULT_READY_PATH,
    readyTimeoutMs: (readyTimeout !== undefined ? parseDuration(readyTimeout) : undefined) ?? parseDuration(DEFAULT_READY_TIMEOUT)!,
    ...text,
    position,
  };
}
