import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SUITE_KINDS } from '../kinds/registry.ts';
import { SCHEMA_DIR } from '../paths.ts';
import { buildSuiteSchema, renderSchemaFiles } from './schema.ts';

describe('editor schemas', () => {
  it.each(Object.entries(renderSchemaFiles()))('suites/schema/%s is up to date (run scripts/write-schemas.ts)', (name, text) => {
    expect(readFileSync(path.join(SCHEMA_DIR, name), 'utf8')).toBe(text);
  });

  it('lists every kind and its parameter block', () => {
    const schema = buildSuiteSchema() as { properties: Record<string, unknown> & { kind: { enum: string[] } } };
    expect(schema.properties.kind.enum).toEqual(Object.keys(SUITE_KINDS));
    for (const kind of Object.keys(SUITE_KINDS)) expect(schema.properties[kind]).toBeDefined();
  });

  it('accepts a good suite and rejects a block of another kind', () => {
    const validate = new Ajv({ strict: false }).compile(buildSuiteSchema());
    const suite = { suite: 'b', kind: 'bench', target: { gguf: 'candidate' }, bench: { time: '2s' }, checks: ['a < 1'] };
    expect(validate(suite)).toBe(true);
    expect(validate({ ...suite, accuracy: { golden: 'g.json' } })).toBe(false);
    expect(validate({ ...suite, kind: 'accuracy', bench: undefined })).toBe(false); // accuracy needs its golden block
  });
});
