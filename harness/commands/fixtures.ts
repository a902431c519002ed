// `embedgate fixtures`: generates the fixture models and the malformed ones the tests feed in.
import { EXIT } from '../exit-codes.ts';
import { ensureBadModels, ensureFixtureModels } from '../gguf/fixtures/ensure.ts';

export async function fixturesCommand(): Promise<number> {
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const models = await ensureFixtureModels({ onLog: log });
  for (const [name, m] of Object.entries(models)) log(`${name.padEnd(16)} ${m.sha256.slice(0, 16)}  ${m.path}`);
  await ensureBadModels();
  return EXIT.pass;
}
