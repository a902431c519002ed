// Building blocks of the kinds' parameter schemas (TypeBox schemas are JSON Schema), and what the
// loader does with a kind's schema: the JSON Schema a YAML block is validated against, and the
// decoding of a valid block into the params a runner reads: defaults applied, durations in ms.
import type { SchemaOptions, StaticDecode, TSchema, TUnsafe } from '@sinclair/typebox';
import { Kind, Type, TypeRegistry, Value } from './typebox.ts';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * `{ description: "what (default X)", default: X }`: the "(default …)" text is generated from the
 * value the loader applies, so the two cannot drift apart. `note` goes after the value.
 */
export function withDefault<T>(what: string, value: T, note = ''): { description: string; default: T } {
  const shown = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
  return { description: `${what} (default ${shown}${note})`, default: value };
}

TypeRegistry.Set<{ enum: unknown[] }>('StringEnum', (schema, value) => schema.enum.includes(value));

/** `{ enum: [...] }` (TypeBox's own unions of literals would be anyOf, which validate.ts cannot word as "one of …"). */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: 'StringEnum', enum: [...values] });
}

const ajv = new Ajv({ strict: false });
const validators = new WeakMap<object, ValidateFunction>();
TypeRegistry.Set<Record<string, unknown>>('JsonSchema', (schema, value) => {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(plainJson(schema) as object)));
  return validate(value);
});

/**
 * A parameter block kept as plain JSON Schema (swarm's, which its own resolver parses, and the
 * planned kinds' `{ type: object }`): validated as it is and passed on undecoded, typed as T.
 */
export function JsonSchema<T>(schema: Record<string, unknown>): TUnsafe<T> {
  return Type.Unsafe<T>({ ...schema, [Kind]: 'JsonSchema' });
}

/** The params a runner reads for a schema: what the loader decoded. */
export type DecodedParams<S extends TSchema> = StaticDecode<S>;

const jsonSchemas = new WeakMap<TSchema, Record<string, unknown>>();

/**
 * The JSON Schema a YAML block is validated against: the TypeBox schema as plain JSON, except that
 * a property with a default need not be written (TypeBox lists it as required, since after
 * decoding it is always there).
 */
export function paramsJsonSchema(schema: TSchema): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) jsonSchemas.set(schema, (json = optionalDefaults(plainJson(schema)) as Record<string, unknown>));
  return json;
}

/** Defaults applied, then decoded (durations to ms). The block must have passed paramsJsonSchema. */
export function decodeParams<S extends TSchema>(schema: S, raw: unknown): StaticDecode<S> {
  return Value.Decode(schema, Value.Default(schema, Value.Clone(raw ?? {})));
}

function plainJson(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

function optionalDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(optionalDefaults);
  if (typeof node !== 'object' || node === null) return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, optionalDefaults(v)]));
  const properties = out['properties'] as Record<string, Record<string, unknown>> | undefined;
  if (Array.isArray(out['required']) && properties) {
    const required = (out['required'] as string[]).filter((k) => properties[k]?.['default'] === undefined);
    if (required.length > 0) out['required'] = required;
    else delete out['required'];
  }
  return out;
}
