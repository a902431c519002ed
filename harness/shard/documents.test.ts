// The Kubernetes Job and the GitHub Actions example of a sharded run, checked by structure: parsed
// as YAML, every shard and the merge carry the same suite sha256 and start instant, the shards
// write where the merge reads, and the checked-in examples are what the generators make now.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { REPO_ROOT } from '../paths.ts';
import { runCli } from '../testing/run-cli.ts';
import { shardWorkflowYaml } from './github-workflow.ts';

const SUITE = 'examples/shards/load-sharded.yaml';
const sha256 = createHash('sha256').update(readFileSync(join(REPO_ROOT, SUITE))).digest('hex');
const work = mkdtempSync(join(tmpdir(), 'embedgate-k8s-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const scriptOf = (container: Doc) => (container['command'] as string[]).join(' ');

describe('embedgate k8s-job', () => {
  it('writes a PVC, an Indexed Job of N shards and a merge Job with one suite sha256 and one start instant', async () => {
    const out = join(work, 'job.yaml');
    const start = '2026-03-04T05:06:07Z';
    const run = await runCli(['k8s-job', SUITE, '--shards', '3', '--image', 'registry.local/embedgate:1', '--start-at', start, '--out', out]);
    expect(run.code, run.output).toBe(0);
    const docs = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => d.toJSON() as Doc);
    expect(docs.map((d) => d['kind'])).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    const [pvc, shards, merge] = docs as [Doc, Doc, Doc];
    expect(pvc['spec'].accessModes).toEqual(['ReadWriteMany']);

    expect(shards['spec']).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    const pod = shards['spec'].template.spec;
    const shard = pod.containers[0];
    expect(shard.image).toBe('registry.local/embedgate:1');
    expect(shard.env.find((e: Doc) => e['name'] === 'JOB_COMPLETION_INDEX').valueFrom.fieldRef.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    expect(scriptOf(shard)).toContain(`--shard "$JOB_COMPLETION_INDEX/3" --start-at ${start}`);

    for (const job of [shards, merge]) {
      expect(job['metadata'].annotations).toMatchObject({ 'embedgate.dev/suite-sha256': sha256, 'embedgate.dev/start-at': start, 'embedgate.dev/shards': '3' });
      const spec = job['spec'].template.spec;
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) expect(c.volumeMounts[0].mountPath).toBe('/shards');
      expect(spec.volumes[0].persistentVolumeClaim.claimName).toBe(pvc['metadata'].name);
    }
    expect(shard.env.find((e: Doc) => e['name'] === 'EMBEDGATE_SUITE_SHA256').value).toBe(sha256);

    // The merge waits for the shards' report.json files, then merges the folder the shards write into.
    const outDir = /--out (\S+)/.exec(scriptOf(shard))![1]!;
    expect(scriptOf(merge['spec'].template.spec.initContainers[0])).toContain(`${outDir}/*/report.json`);
    expect(scriptOf(merge['spec'].template.spec.containers[0])).toContain(`embedgate merge ${outDir} `);
  });

  it('refuses a suite whose target each shard would start itself, saying what to do', async () => {
    const run = await runCli(['k8s-job', 'suites/load-100.yaml', '--shards', '4', '--start-at', '2026-03-04T05:06:07Z']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/load-100.*gguf: candidate.*target: \{ http: http:\/\/HOST:PORT \}/s);
  });

  it('the checked-in Job example is what the generator writes', () => {
    const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'examples/shards/k8s-job.yaml'), 'utf8')).map((d) => d.toJSON() as Doc);
    expect(docs[1]!['metadata'].annotations['embedgate.dev/suite-sha256']).toBe(sha256);
  });
});

describe('the GitHub Actions example', () => {
  const text = readFileSync(join(REPO_ROOT, 'examples/shards/github-actions.example.yml'), 'utf8');
  const wf = parse(text) as Doc;

  it('is what scripts/write-shard-examples.ts writes for the example suite now', () => {
    expect(text).toBe(shardWorkflowYaml({ suitePath: SUITE, suiteSha256: sha256, shards: 4, leadSeconds: 240 }));
  });

  it('runs one shard per matrix index from one start instant, and merges whatever the shards did', () => {
    expect(wf['env'].EMBEDGATE_SUITE_SHA256).toBe(sha256);
    const shard = wf['jobs'].shard;
    expect(shard.strategy.matrix.shard).toEqual([0, 1, 2, 3]);
    expect(shard.strategy['fail-fast']).toBe(false);
    const run = shard.steps.map((s: Doc) => s['run']).find((r: string | undefined) => r?.includes('embedgate run'));
    expect(run).toContain(`embedgate run ${SUITE} --shard \${{ matrix.shard }}/4 --start-at \${{ needs.plan.outputs.start_at }}`);
    expect(wf['jobs'].plan.outputs.start_at).toContain('steps.start.outputs.start_at');
    const merge = wf['jobs'].merge;
    expect(merge.needs).toContain('shard');
    expect(merge.if).toBe('always()');
    const uses = merge.steps.map((s: Doc) => s['uses']).filter(Boolean);
    expect(uses).toContain('actions/download-artifact@v4');
    expect(merge.steps.some((s: Doc) => String(s['run'] ?? '').startsWith('npx embedgate merge'))).toBe(true);
  });
});
