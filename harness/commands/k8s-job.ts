// `embedgate k8s-job SUITE --shards N [--image IMG] [--start-at T] [--target-url name=URL] [--out FILE]`: the Kubernetes
// documents of a sharded run (harness/shard/k8s-job.ts). The suite is loaded and split here first,
// so a suite that cannot be sharded (a gguf target) is refused now, not in the cluster.
import { relative, resolve } from 'node:path';
import { formatConfigErrors } from '../config/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { REPO_ROOT } from '../paths.ts';
import { shardJobYaml } from '../shard/k8s-job.ts';
import { parseShardOptions } from '../shard/spec.ts';
import { shardPlans } from '../shard/split.ts';
import { applyTargetUrls, parseTargetUrls } from '../shard/target-url.ts';
import { writeFileAtomicSync } from '../write-atomic.ts';
import { loadFiles } from './load-files.ts';
import { parseModelOverrides, UsageError, type ParsedValues } from './options.ts';

/** Time for the pods to be scheduled and the image pulled before the common start. */
const DEFAULT_LEAD_MS = 3 * 60_000;
/** Room after the suites' own timeouts before the merge goes ahead without a late shard. */
const DEADLINE_MARGIN_S = 300;

export function k8sJobCommand(args: readonly string[], values: ParsedValues): number {
  const [file, ...more] = args;
  if (!file || more.length > 0) throw new UsageError('k8s-job expects exactly one suite or gate file, e.g. embedgate k8s-job suites/load-100.yaml --shards 4');
  if (!values.shards || !/^[1-9]\d*$/.test(values.shards)) throw new UsageError(`k8s-job needs --shards N (a whole number from 1)${values.shards ? `, got "${values.shards}"` : ''}`);
  const shards = Number(values.shards);
  const startAt = values['start-at'] ?? new Date(Date.now() + DEFAULT_LEAD_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  // The same checks a shard makes: a bad --start-at or a suite that cannot be split fails here.
  const spec = parseShardOptions({ shard: `0/${shards}`, 'start-at': startAt });
  const path = resolve(file);
  const loaded = loadFiles([path], parseModelOverrides(values.model));
  if (Array.isArray(loaded)) {
    process.stderr.write(formatConfigErrors(loaded) + '\n');
    return EXIT.usage;
  }
  const targetUrls = values['target-url'] ?? [];
  shardPlans(applyTargetUrls(loaded.suites, parseTargetUrls(targetUrls)), spec!);
  const sha256 = loaded.gate?.fileSha256 ?? loaded.suites[0]!.fileSha256;
  const timeoutS = Math.ceil(loaded.suites.reduce((a, s) => a + s.timeoutMs, 0) / 1000);
  const yaml = shardJobYaml({
    suitePath: relative(REPO_ROOT, path).startsWith('..') ? path : relative(REPO_ROOT, path),
    suiteName: loaded.gate ? `gate-${loaded.gate.number}` : loaded.suites[0]!.name,
    suiteSha256: sha256,
    shards,
    image: values.image ?? 'embedgate:latest',
    startAt,
    deadlineSeconds: timeoutS + DEADLINE_MARGIN_S,
    shardArgs: targetUrls.map((t) => `--target-url=${t}`),
  });
  if (values.out) {
    writeFileAtomicSync(resolve(values.out), yaml);
    process.stderr.write(`wrote ${resolve(values.out)}: ${shards} shards of ${file}, starting at ${startAt}\n`);
  } else process.stdout.write(yaml);
  return EXIT.pass;
}
