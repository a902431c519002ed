// Well-known locations, resolved from this module's location so that the current directory never
// changes what a suite means. The one definition of the repository root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SUITES_DIR = path.join(REPO_ROOT, 'suites');
export const DEFAULT_MODELS_FILE = path.join(SUITES_DIR, 'models.yaml');
export const SCHEMA_DIR = path.join(SUITES_DIR, 'schema');
export const FIXTURE_MODELS_DIR = path.join(REPO_ROOT, 'fixtures', 'models');
