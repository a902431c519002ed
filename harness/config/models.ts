// Model names resolve here and nowhere else. Precedence, highest first:
//   --model NAME=PATH (overrides) > environment variable declared in models.yaml > `path:` in
//   models.yaml > the fixture model the harness generates on first use.
// A `gguf:` target that is a path to a .gguf file skips the catalog (empty prefixes).
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResolvedModel } from '../plan.ts';
import { didYouMean } from '../gates/suggest.ts';
import { formatConfigErrors, type ConfigError } from './errors.ts';
import { DEFAULT_MODELS_FILE, FIXTURE_MODELS_DIR, REPO_ROOT } from '../paths.ts';
import { buildModelsSchema } from './schema.ts';
import { validateAgainstSchema } from './validate.ts';
import { positionOf, readYaml } from './yaml-source.ts';

export interface ModelEntry {
  name: string;
  description?: string;
  fixture?: string;
  path?: string;
  env?: string;
  queryPrefix: string;
  documentPrefix: string;
  /** Where the entry is declared, for messages. */
  line: number;
}

export interface ModelCatalog {
  file: string;
  models: Record<string, ModelEntry>;
}

export interface ResolveOptions {
  /** From --model NAME=PATH; paths relative to `cwd`. */
  overrides?: Record<string, string>;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Defaults to suites/models.yaml. */
  catalog?: ModelCatalog;
  /** Base for relative paths given on the command line or in the environment. */
  cwd?: string;
  /** Base for a `gguf:` path written in a suite: the suite file's directory. */
  baseDir?: string;
}

/** A name or path that cannot be resolved; the message names the path and where it came from. */
export class ModelResolutionError extends Error {
  override name = 'ModelResolutionError';
  constructor(
    message: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

const MODELS_SCHEMA = buildModelsSchema();

export function loadModelCatalog(file: string = DEFAULT_MODELS_FILE): { ok: true; catalog: ModelCatalog } | { ok: false; errors: ConfigError[] } {
  const read = readYaml(file);
  if (!read.ok) return read;
  const errors = [...read.errors, ...validateAgainstSchema(read.source, MODELS_SCHEMA)];
  if (errors.length > 0) return { ok: false, errors };
  const raw = (read.source.data as { models: Record<string, Omit<ModelEntry, 'name' | 'line'>> }).models;
  const models: Record<string, ModelEntry> = {};
  for (const [name, entry] of Object.entries(raw)) {
    const { line } = positionOf(read.source, ['models', name], 'key');
    models[name] = { name, ...entry, queryPrefix: entry.queryPrefix ?? '', documentPrefix: entry.documentPrefix ?? '', line };
  }
  return { ok: true, catalog: { file, models } };
}

let defaultCatalog: ModelCatalog | undefined;

/** suites/models.yaml, read once. Throws if the file itself is broken: nothing can resolve then. */
export function defaultModelCatalog(): ModelCatalog {
  if (!defaultCatalog) {
    const loaded = loadModelCatalog();
    if (!loaded.ok) throw new ModelResolutionError(formatConfigErrors(loaded.errors), 'a valid suites/models.yaml');
    defaultCatalog = loaded.catalog;
  }
  return defaultCatalog;
}

/** Whether a `gguf:` value is a file path rather than a model name. */
export function isModelPath(name: string): boolean {
  return name.endsWith('.gguf') || name.includes('/') || name.includes(path.sep) || name.startsWith('~');
}

export function resolveModel(name: string, options: ResolveOptions = {}): ResolvedModel {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const override = options.overrides?.[name];
  if (isModelPath(name) && override === undefined) {
    const file = existingFile(name, options.baseDir ?? cwd, `the suite's target (gguf: ${name})`);
    return { name, path: file, queryPrefix: '', documentPrefix: '', source: 'suite file' };
  }
  const catalog = options.catalog ?? defaultModelCatalog();
  const entry = Object.hasOwn(catalog.models, name) ? catalog.models[name] : undefined;
  const prefixes = { queryPrefix: entry?.queryPrefix ?? '', documentPrefix: entry?.documentPrefix ?? '' };
  if (override !== undefined) {
    return { name, path: existingFile(override, cwd, `--model ${name}=${override}`), ...prefixes, source: '--model' };
  }
  if (entry === undefined) {
    const known = Object.keys(catalog.models);
    throw new ModelResolutionError(
      `unknown model '${name}'${didYouMean(name, known)}`,
      `a model from ${path.basename(catalog.file)} (${known.join(', ')}), a path to a .gguf file, or --model ${name}=PATH`,
    );
  }
  const fromEnv = entry.env !== undefined ? env[entry.env] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') {
    return { name, path: existingFile(fromEnv, cwd, `${entry.env}=${fromEnv}`), ...prefixes, source: entry.env! };
  }
  const where = `${path.basename(catalog.file)}:${entry.line}`;
  if (entry.path !== undefined) {
    const file = existingFile(entry.path, path.dirname(catalog.file), `path: ${entry.path} in ${where}`);
    return { name, path: file, ...prefixes, source: path.relative(REPO_ROOT, catalog.file) };
  }
  if (entry.fixture !== undefined) {
    // Not checked for existence: fixtures are generated on first use.
    const file = path.join(FIXTURE_MODELS_DIR, `${entry.fixture}.gguf`);
    return { name, path: file, ...prefixes, fixture: entry.fixture, source: 'fixture' };
  }
  const hint = entry.env ? `set ${entry.env}, ` : '';
  throw new ModelResolutionError(
    `model '${name}' has no file: ${where} gives neither path nor fixture`,
    `${hint}--model ${name}=PATH, or a path: in ${path.basename(catalog.file)}`,
  );
}

/** Absolute path of an existing regular file, or an error naming the path and its origin. */
function existingFile(given: string, base: string, origin: string): string {
  const expanded = given === '~' || given.startsWith('~/') ? path.join(os.homedir(), given.slice(1)) : given;
  const file = path.resolve(base, expanded);
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new ModelResolutionError(`model file ${file} does not exist (from ${origin})`, 'the path of an existing .gguf file');
  }
  if (!isFile) throw new ModelResolutionError(`model path ${file} is not a file (from ${origin})`, 'the path of a .gguf file');
  return file;
}
