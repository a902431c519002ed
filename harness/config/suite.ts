// Loads one suite file into a SuitePlan, or into every error the file has.
//
// Planned kinds (no runner yet) load: their parameter block is only required to be a mapping and
// their checks are parsed but metric names are not checked (the catalog is still empty). That lets
// gates name the suites they will need today; the gate verdict is inconclusive until a runner exists.
// A valid parameter block is decoded once here (defaults applied, durations in ms), so the runner
// reads plan.params as its kind's params type.
import path from 'node:path';
import { DEFAULT_TIMEOUT_MS } from '../kinds/kind.ts';
import { decodeParams } from '../kinds/params.ts';
import { kindNamed, SUITE_KINDS, type KindRegistry } from '../kinds/registry.ts';
import type { HttpTargetSpec, ResolvedModel, SuitePlan, TargetRef } from '../plan.ts';
import { parseDuration } from './duration.ts';
import { sortConfigErrors, type ConfigError, type LoadResult } from './errors.ts';
import { readMcpTarget } from './mcp-target.ts';
import { ModelResolutionError, resolveModel, type ModelCatalog } from './models.ts';
import { readReference } from './reference.ts';
import { buildSuiteSchema } from './schema.ts';
import { compileChecks } from './suite-checks.ts';
import { validateAgainstSchema } from './validate.ts';
import { formatPath, positionOf, readYamlMapping, type YamlSource } from './yaml-source.ts';

export interface LoadContext {
  /** --model NAME=PATH from the command line. */
  overrides?: Record<string, string>;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Base for paths given on the command line; defaults to process.cwd(). */
  cwd?: string;
  /** Defaults to the registry's kinds. */
  kinds?: KindRegistry;
  /** Defaults to suites/models.yaml. */
  catalog?: ModelCatalog;
}

const schemas = new WeakMap<KindRegistry, Record<string, unknown>>();

function suiteSchema(kinds: KindRegistry): Record<string, unknown> {
  let schema = schemas.get(kinds);
  if (!schema) schemas.set(kinds, (schema = buildSuiteSchema(kinds)));
  return schema;
}

export function loadSuite(file: string, context: LoadContext = {}): LoadResult<SuitePlan> {
  const absolute = path.resolve(context.cwd ?? process.cwd(), file);
  const read = readYamlMapping(absolute, 'suite', 'keys suite, kind, target, checks, …');
  if (!read.ok) return read;
  const source = read.source;
  const errors: ConfigError[] = [...read.errors];
  errors.push(...validateAgainstSchema(source, suiteSchema(context.kinds ?? SUITE_KINDS)));

  const data = source.data as Record<string, unknown>;
  const kinds = context.kinds ?? SUITE_KINDS;
  const kind = typeof data['kind'] === 'string' ? kindNamed(data['kind'], kinds) : undefined;
  const compiled = compileChecks(source, { ...(kind ? { kind } : {}), hasCompare: data['compare'] !== undefined, hasReference: data['reference'] !== undefined });
  errors.push(...compiled.errors);
  const target = targetRef(source, 'target', context, errors);
  const compare = data['compare'] === undefined ? undefined : targetRef(source, 'compare', context, errors);
  for (const [key, ref] of [['target', target], ['compare', compare]] as const) {
    if (ref?.type === 'swarm' && (kind?.name !== 'swarm' || key === 'compare')) {
      const message = key === 'compare' ? 'compare: needs an embedder (the old model), not the simulated swarm' : 'only a suite of kind swarm can run against the simulated swarm';
      errors.push({ ...ref.position!, path: `${key}.swarm`, message, expected: '{ gguf: <model> } or { http: <URL> }' });
    }
  }
  const reference = readReference(source, kind?.name, target?.type, errors);
  const params = kind ? data[kind.name] : undefined;
  if (errors.length === 0 && kind?.checkParams && typeof params === 'object' && params !== null) {
    for (const problem of kind.checkParams(params as Record<string, unknown>, absolute)) {
      const segments = [kind.name, ...problem.path];
      errors.push({ file: absolute, ...positionOf(source, segments), path: formatPath(segments), message: problem.message, expected: problem.expected });
    }
  }

  if (errors.length > 0 || !kind || !target) return { ok: false, errors: sortConfigErrors(errors) };
  let decoded: Record<string, unknown>;
  try {
    decoded = decodeParams(kind.params, params) as Record<string, unknown>;
  } catch (cause) {
    // The block passed the JSON Schema; TypeBox disagreeing with ajv is a harness bug, said where it bit.
    const at = { file: absolute, ...positionOf(source, [kind.name]), path: kind.name };
    return { ok: false, errors: [{ ...at, message: `parameters could not be decoded: ${(cause as Error).message}`, expected: `parameters of kind ${kind.name}` }] };
  }
  const timeout = typeof data['timeout'] === 'string' ? parseDuration(data['timeout']) : undefined;
  return {
    ok: true,
    plan: {
      name: data['suite'] as string,
      kind: kind.name,
      file: absolute,
      fileSha256: source.sha256,
      target,
      ...(compare ? { compare } : {}),
      ...(reference ? { reference } : {}),
      params: decoded,
      checks: compiled.checks,
      timeoutMs: timeout ?? kind.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    },
  };
}

/** The target or compare entry, with a gguf model resolved; problems go to `errors`. */
function targetRef(source: YamlSource, key: 'target' | 'compare', context: LoadContext, errors: ConfigError[]): TargetRef | undefined {
  const value = (source.data as Record<string, unknown>)[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  const types = Object.keys(fields).filter((type) => type === 'gguf' || type === 'http' || type === 'mcp' || type === 'swarm');
  const at = (segments: (string | number)[]) => ({ file: source.file, ...positionOf(source, segments, 'key'), path: formatPath(segments) });
  if (types.length !== 1) {
    errors.push({
      file: source.file,
      ...positionOf(source, [key]),
      path: key,
      message: `${key} must have exactly one key of gguf, http and mcp, ${types.length === 0 ? 'found none' : `found ${types.join(' and ')}`}`,
      expected: 'exactly one of gguf: <model name or .gguf path>, http: <URL> or mcp: { command: [argv…] | url: <URL> }',
    });
    return undefined;
  }
  const type = types[0] as 'gguf' | 'http' | 'mcp' | 'swarm';
  if (type === 'mcp') return mcpTargetRef(source, key, fields, context, errors);
  const name = fields[type];
  if (typeof name !== 'string') return undefined; // the schema reports the type
  const segments = [key, type];
  const position = { file: source.file, ...positionOf(source, segments) };
  if (type === 'swarm') return { type, name, position };
  if (type === 'http') {
    const http: HttpTargetSpec = { url: name };
    for (const k of ['model', 'apiKeyEnv', 'queryPrefix', 'documentPrefix'] as const) if (typeof fields[k] === 'string') http[k] = fields[k] as string;
    return { type, name, position, http };
  }
  const httpOnly = Object.keys(fields).filter((k) => k !== 'gguf');
  if (httpOnly.length > 0) {
    for (const k of httpOnly) {
      errors.push({ ...at([key, k]), message: `'${k}' applies to http targets only`, expected: 'for gguf targets, set the model and its prefixes in suites/models.yaml' });
    }
    return undefined;
  }
  try {
    const model = resolveSuiteModel(name, source, context);
    return { type, name, position, model };
  } catch (cause) {
    if (!(cause instanceof ModelResolutionError)) throw cause;
    errors.push({ ...position, path: formatPath(segments), message: cause.message, expected: cause.expected });
    return undefined;
  }
}

function resolveSuiteModel(name: string, source: YamlSource, context: LoadContext): ResolvedModel {
  return resolveModel(name, {
    ...(context.overrides ? { overrides: context.overrides } : {}),
    ...(context.env ? { env: context.env } : {}),
    ...(context.catalog ? { catalog: context.catalog } : {}),
    ...(context.cwd ? { cwd: context.cwd } : {}),
    baseDir: path.dirname(source.file),
  });
}

/** `{ mcp: { … } }`: everything about an MCP server sits inside its own block (harness/config/mcp-target.ts). */
function mcpTargetRef(source: YamlSource, key: 'target' | 'compare', fields: Record<string, unknown>, context: LoadContext, errors: ConfigError[]): TargetRef | undefined {
  for (const k of Object.keys(fields).filter((k) => k !== 'mcp')) {
    errors.push({ file: source.file, ...positionOf(source, [key, k], 'key'), path: formatPath([key, k]), message: `'${k}' beside mcp: is not read`, expected: `put it inside the mcp: block (mcp: { …, ${k}: … })` });
  }
  const spec = readMcpTarget(source, key, { resolveModel: (name) => resolveSuiteModel(name, source, context) }, errors);
  if (!spec) return undefined;
  const name = spec.transport.type === 'http' ? spec.transport.url : spec.transport.command.join(' ');
  return { type: 'mcp', name, position: { file: source.file, ...positionOf(source, [key, 'mcp'], 'key') }, mcp: spec };
}
