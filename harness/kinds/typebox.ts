// TypeBox, loaded through require. Its ESM build is some 270 small files, and under tsx each one
// goes through the loader hooks: measured 0.8 s to import against 0.15 s for the CommonJS build,
// on every `embedgate check` and `--help`. Type-only imports of '@sinclair/typebox' are fine
// (they are erased); values must come from here, so one TypeRegistry serves every schema.
import { createRequire } from 'node:module';
import type * as TypeBoxModule from '@sinclair/typebox';
import type * as ValueModule from '@sinclair/typebox/value';

const require = createRequire(import.meta.url);
const typebox = require('@sinclair/typebox') as typeof TypeBoxModule;

export const { Type, Kind, TypeRegistry } = typebox;
export const { Value } = require('@sinclair/typebox/value') as typeof ValueModule;
