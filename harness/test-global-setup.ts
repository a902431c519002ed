// Runs once before the test files: build the fixture models (and the broken ones) up front so
// parallel test files do not each generate them.
import { ensureBadModels, ensureFixtureModels } from './gguf/fixtures/ensure.ts';

export default async function setup(): Promise<void> {
  await ensureFixtureModels();
  await ensureBadModels();
}
