// `embedgate canary export <suite.yaml> [--out <dir>]`: writes the canary suite's procedure for
// Argo Rollouts (a Rollout's canary steps and an AnalysisTemplate) and for Flagger (a Canary and
// its MetricTemplates), with the triggers as Prometheus queries over embedgate serve's metrics.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatConfigErrors } from '../config/errors.ts';
import { EXIT } from '../exit-codes.ts';
import type { CanaryParams } from '../kinds/canary/params.ts';
import { loadFiles } from './load-files.ts';
import { parseModelOverrides, UsageError, type ParsedValues } from './options.ts';

export async function canaryCommand(args: readonly string[], values: ParsedValues): Promise<number> {
  const [sub, file, ...more] = args;
  if (sub !== 'export') throw new UsageError(`canary expects a subcommand: "embedgate canary export <suite.yaml> [--out <dir>]"${sub ? `, got "${sub}"` : ''}`);
  if (!file || more.length > 0) throw new UsageError('canary export expects exactly one canary suite file');
  const loaded = loadFiles([resolve(file)], parseModelOverrides(values.model));
  if (Array.isArray(loaded)) {
    process.stderr.write(formatConfigErrors(loaded) + '\n');
    return EXIT.usage;
  }
  const plan = loaded.suites[0];
  if (loaded.gate || !plan || plan.kind !== 'canary') throw new UsageError(`${file} is ${loaded.gate ? 'a gate file' : `a suite of kind ${plan?.kind}`}; canary export takes one suite of kind canary`);
  const dir = resolve(values.out ?? '.');
  mkdirSync(dir, { recursive: true });
  const { writeExport } = await import('../canary/export/export.ts');
  for (const path of writeExport(plan.name, plan.params as CanaryParams, dir)) process.stdout.write(`wrote ${path}\n`);
  return EXIT.pass;
}
