// npm run bench:compare (or node --import tsx scripts/bench-compare.ts [--noise 10%]): the
// compare proof with compare's default noise band. Runs the short load suite of
// harness/history/testing/load-compare-runs.ts three times through the real CLI, twice as it is
// and once with its embedgate serve held to an eighth of the wall time, then prints
// `embedgate compare` of the two normal runs and of the first against the slowed one. The runs
// stay in reports/bench/compare/. A "no change" on a loaded machine depends on the machine: the
// test (compare-load.e2e.test.ts) uses a ±100 % band; this shows what the default band says.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureFixtureModels } from '../harness/gguf/fixtures/ensure.ts';
import { REPO_ROOT } from '../harness/paths.ts';
import { loadCompareRun, writeLoadCompareSuite } from '../harness/history/testing/load-compare-runs.ts';
import { runCli } from '../harness/testing/run-cli.ts';

const noiseAt = process.argv.indexOf('--noise');
const noise = noiseAt > 0 ? process.argv[noiseAt + 1]! : '10%';
await ensureFixtureModels();
const root = join(REPO_ROOT, 'reports', 'bench', 'compare');
mkdirSync(root, { recursive: true });
const dir = mkdtempSync(join(root, 'runs-'));
const suite = writeLoadCompareSuite(dir);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
process.stdout.write(`load average before: ${load()}\n`);
const a = await loadCompareRun(suite, dir);
const b = await loadCompareRun(suite, dir);
const c = await loadCompareRun(suite, dir, true);
process.stdout.write(`runs: A ${a.runDir} (exit ${a.code}), B ${b.runDir} (exit ${b.code}), slowed ${c.runDir} (exit ${c.code}, ${c.throttled} process(es) throttled); load average after: ${load()}\n`);
for (const [name, x, y] of [['A against B (same target)', a, b], ['A against the slowed run', a, c]] as const) {
  const r = await runCli(['compare', x.runDir!, y.runDir!, '--noise', noise]);
  const lines = r.stdout.split('\n').filter((l) => /^embedgate compare|^\s+(worse|better|changed)|warning|throughput\.rps|latency\.p(50|95)\b/.test(l));
  process.stdout.write(`\n== ${name}, noise ±${noise}: exit ${r.code}\n${lines.join('\n')}\n`);
}
