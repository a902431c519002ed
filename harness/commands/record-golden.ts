// `embedgate record-golden --model <name|path>`: embeds the sample texts with one model and writes
// them as the golden vectors its fidelity suites compare against.
import { basename, join, resolve } from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { recordGolden, writeGolden } from '../golden.ts';
import { REPO_ROOT } from '../paths.ts';
import { HARNESS_VERSION } from '../provenance.ts';
import { TargetPool } from '../targets/open.ts';
import { DEFAULT_TEXTS_FILE, loadTexts } from '../texts.ts';
import { UsageError, type ParsedValues } from './options.ts';

export async function recordGoldenCommand(values: ParsedValues): Promise<number> {
  if (!values.model?.[0]) throw new UsageError('record-golden needs --model <name|path>');
  const name = values.model[0];
  const targets = new TargetPool({ env: process.env, onLog: (m) => process.stderr.write(`${m}\n`) });
  try {
    const model = await targets.resolve(name);
    const target = await targets.get({ type: 'gguf', name });
    const texts = loadTexts(values.texts ? resolve(values.texts) : DEFAULT_TEXTS_FILE);
    const golden = await recordGolden(target, texts, HARNESS_VERSION);
    const out = resolve(values.out ?? join(REPO_ROOT, 'fixtures', 'golden', `${basename(model.name, '.gguf')}.json`));
    await writeGolden(out, golden);
    process.stdout.write(`recorded ${golden.items.length} golden vectors (${golden.model.dimensions} dims) for ${model.path}\n  sha256 ${golden.model.sha256}\n  → ${out}\n`);
    return EXIT.pass;
  } finally {
    await targets.closeAll();
  }
}
