// Builds the default retrieval dataset (ts-api) from the installed .d.ts files, or checks a BEIR
// folder of your own (CoIR, CodeSearchNet) and prints what the retrieval suite would read.
//   node --import tsx scripts/build-dataset.ts            build fixtures/datasets/ts-api/ if stale
//   node --import tsx scripts/build-dataset.ts --rebuild  build it anyway
//   node --import tsx scripts/build-dataset.ts DIR [--split test]   check a BEIR folder
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BeirDatasetError, readBeirDataset } from '../harness/datasets/beir.ts';
import { ensureTsApiDataset } from '../harness/datasets/ts-api.ts';
import { EXIT } from '../harness/exit-codes.ts';
import { REPO_ROOT } from '../harness/paths.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rebuild: { type: 'boolean' }, split: { type: 'string' } } });
try {
  let dir: string;
  if (positionals[0]) {
    dir = resolve(positionals[0]);
  } else {
    const built = ensureTsApiDataset({ rebuild: values.rebuild ?? false, onLog: (m) => console.log(m) });
    dir = built.dir;
    for (const s of built.manifest.sources) console.log(`source ${s.package}@${s.version}: ${s.files} .d.ts files`);
  }
  const ds = readBeirDataset(dir, values.split ?? 'test');
  const judgements = [...ds.qrels.values()].reduce((n, m) => n + m.size, 0);
  console.log(`${relative(REPO_ROOT, dir) || dir}: ${ds.documents.length} documents, ${ds.queries.length} judged queries (${ds.unjudgedQueries} unjudged), ${judgements} relevance judgements`);
  console.log(`revision ${ds.revision}`);
} catch (err) {
  console.error(err instanceof BeirDatasetError ? err.message : `build-dataset: ${(err as Error).message}`);
  process.exit(EXIT.usage);
}
