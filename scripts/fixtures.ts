// Generates the fixture models and the broken ones, printing what it made.
// `--update-manifest` rewrites fixtures/models/manifest.json after an intended generator change.
import { relative } from 'node:path';
import { ensureBadModels, ensureFixtureModels } from '../harness/gguf/fixtures/ensure.ts';
import { REPO_ROOT } from '../harness/paths.ts';

const updateManifest = process.argv.includes('--update-manifest');
const started = Date.now();
const models = await ensureFixtureModels({ onLog: (msg) => console.log(msg), updateManifest });
for (const [name, m] of Object.entries(models)) console.log(`${name.padEnd(16)} ${m.sha256.slice(0, 16)}  ${relative(REPO_ROOT, m.path)}`);
const bad = await ensureBadModels();
for (const [name, path] of Object.entries(bad)) console.log(`bad/${name.padEnd(12)} ${relative(REPO_ROOT, path)}`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
