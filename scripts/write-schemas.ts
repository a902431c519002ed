// Writes the JSON Schemas of suite, gate and models files to suites/schema/ for editors
// (`# yaml-language-server: $schema=./schema/suite.schema.json`). Run after changing a
// kind's params (harness/kinds/<kind>/params.ts); harness/config/schema.test.ts fails while the files are out of date.
//   node --import tsx scripts/write-schemas.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_DIR } from '../harness/paths.ts';
import { renderSchemaFiles } from '../harness/config/schema.ts';

mkdirSync(SCHEMA_DIR, { recursive: true });
for (const [name, text] of Object.entries(renderSchemaFiles())) {
  writeFileSync(path.join(SCHEMA_DIR, name), text);
  console.log(`wrote ${path.relative(process.cwd(), path.join(SCHEMA_DIR, name))}`);
}
