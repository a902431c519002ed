// Validates a parsed YAML document against a JSON Schema with ajv and turns each ajv error into a
// ConfigError a user can act on: the YAML position of the offending node, its path, and what the
// schema expected there (taken from the schema's own descriptions).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { didYouMean } from '../gates/suggest.ts';
import { DURATION_EXPECTED, DURATION_PATTERN } from './duration.ts';
import type { ConfigError } from './errors.ts';
import { formatPath, pointerToPath, positionOf, type PathSegment, type YamlSource } from './yaml-source.ts';

type Schema = Record<string, unknown>;

// strict: false because parameter schemas come from the kinds and may use annotations ajv does not know.
const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const compiled = new WeakMap<Schema, ValidateFunction>();

export function validateAgainstSchema(source: YamlSource, schema: Schema): ConfigError[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(source.data)) return [];
  const errors = (validate.errors ?? []).flatMap((e) => translate(source, e));
  // allErrors can report one problem twice (e.g. through two allOf branches): keep one of each.
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.line}:${e.col}:${e.path}:${e.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function translate(source: YamlSource, error: ErrorObject): ConfigError[] {
  const at = pointerToPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as Schema;
  const properties = (parent['properties'] ?? {}) as Record<string, Schema>;
  const make = (segments: PathSegment[], message: string, expected?: string, where: 'value' | 'key' = 'value'): ConfigError[] => [
    {
      file: source.file,
      ...positionOf(source, segments, where),
      path: formatPath(segments),
      message,
      ...(expected ? { expected } : {}),
    },
  ];
  const described = (parent['description'] as string | undefined) ?? undefined;
  switch (error.keyword) {
    case 'if':
      return []; // "must match then schema": the errors inside `then` say what is wrong.
    case 'required': {
      const key = String(error.params['missingProperty']);
      const expected = properties[key]?.['description'] as string | undefined;
      return make([...at, key], `missing required key '${key}'`, expected);
    }
    case 'additionalProperties': {
      const key = String(error.params['additionalProperty']);
      const known = Object.keys(properties);
      return make([...at, key], `unknown key '${key}'${didYouMean(key, known)}`, `one of the keys ${known.join(', ')}`, 'key');
    }
    case 'false schema': {
      const key = at[at.length - 1];
      const kind = (source.data as Record<string, unknown> | null)?.['kind'];
      const message =
        typeof kind === 'string' && kind !== key
          ? `'${String(key)}' is the parameter block of kind ${String(key)}, but this suite is of kind ${kind}`
          : `key '${String(key)}' is not allowed here`;
      return make(at, message, typeof kind === 'string' ? `parameters under '${kind}:'` : undefined, 'key');
    }
    case 'type':
      // A schema with several types (a check: string or mapping) reports them joined by commas.
      return make(at, `wrong type: expected ${String(error.params['type']).split(',').map(article).join(' or ')}, found ${describe(error.data)}`, described);
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map(String);
      const name = typeof at[at.length - 1] === 'string' ? String(at[at.length - 1]) : 'value';
      return make(at, `unknown ${name} '${String(error.data)}'${didYouMean(String(error.data), allowed)}`, `one of ${allowed.join(', ')}`);
    }
    case 'pattern':
      if (error.params['pattern'] === DURATION_PATTERN) {
        return make(at, `bad duration '${String(error.data)}'`, DURATION_EXPECTED);
      }
      return make(at, `'${String(error.data)}' does not have the expected form (${String(error.params['pattern'])})`, described);
    case 'minProperties':
    case 'maxProperties':
      return make(at, `${formatPath(at) || 'the document'} must have exactly one key`, described);
    default:
      return make(at, error.message ?? `fails ${error.keyword}`, described);
  }
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
