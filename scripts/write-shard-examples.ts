// Writes examples/shards/k8s-job.yaml and examples/shards/github-actions.example.yml from
// examples/shards/load-sharded.yaml, the documents docs/shards.md shows. Run again after changing
// the example suite (its sha256 is in both). The start time in the Job is a fixed example instant;
// `embedgate k8s-job` sets a real one.
//   node --import tsx scripts/write-shard-examples.ts
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/paths.ts';
import { shardWorkflowYaml } from '../harness/shard/github-workflow.ts';
import { shardJobYaml } from '../harness/shard/k8s-job.ts';
import { writeFileAtomicSync } from '../harness/write-atomic.ts';

const suitePath = 'examples/shards/load-sharded.yaml';
const sha256 = createHash('sha256').update(readFileSync(join(REPO_ROOT, suitePath))).digest('hex');
const job = shardJobYaml({ suitePath, suiteName: 'load-sharded', suiteSha256: sha256, shards: 4, image: 'ghcr.io/your-org/embedgate:latest', startAt: '2026-01-01T12:00:00Z', deadlineSeconds: 1200 });
writeFileAtomicSync(join(REPO_ROOT, 'examples/shards/k8s-job.yaml'), job);
writeFileAtomicSync(join(REPO_ROOT, 'examples/shards/github-actions.example.yml'), shardWorkflowYaml({ suitePath, suiteSha256: sha256, shards: 4, leadSeconds: 240 }));
process.stdout.write(`wrote examples/shards/k8s-job.yaml and examples/shards/github-actions.example.yml for ${suitePath} (sha256 ${sha256})\n`);
