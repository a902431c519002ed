// The swarm suite kind end to end: the real embedgate command on the rollback scenarios and on small
// suites written here (exit codes, report metrics), and the real-work mode re-embedding a tiny corpus
// through the fixture GGUF models in a llama.cpp worker.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../plan.ts';
import { ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import type { RunReport } from '../../result.ts';
import { openGgufTarget, type GgufTarget } from '../../targets/gguf/target.ts';
import { checkInvariants } from '../../targets/swarm/invariants.ts';
import { resolveSwarmConfig } from '../../targets/swarm/params.ts';
import { ReembedWork, loadCorpus } from '../../targets/swarm/reembed.ts';
import { runSwarmAsync } from '../../targets/swarm/simulation.ts';
import { emptyRecord } from '../../targets/swarm/record.ts';
import { EmbeddingStore } from '../../targets/swarm/store.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'embedgate.mjs');

function embedgate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; report?: RunReport }> {
  const out = mkdtempSync(join(tmpdir(), 'embedgate-swarm-'));
  const child = spawn(process.execPath, [BIN, ...args, '--out', out], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) =>
    child.on('close', (code) => {
      const dir = readdirSync(out)[0];
      const report = dir ? (JSON.parse(readFileSync(join(out, dir, 'report.json'), 'utf8')) as RunReport) : undefined;
      resolve({ code, stdout, stderr, ...(report ? { report } : {}) });
    }),
  );
}

function suiteFile(name: string, swarm: string, checks: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-swarm-suite-'));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `suite: ${name}\nkind: swarm\ntarget: { swarm: simulated }\nswarm:\n${swarm}\nchecks:\n${checks.map((c) => `  - ${c}`).join('\n')}\n`);
  return file;
}

const metric = (report: RunReport | undefined, name: string) => report?.suites[0]?.metrics[name];

describe('embedgate run on swarm suites', () => {
  it('passes the rollback scenarios of gate 4: every trigger fires exactly when it holds, within 5 minutes', async () => {
    const run = await embedgate(['run', join(ROOT, 'suites', 'swarm-rollback.yaml')]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.report?.verdict).toBe('pass');
    expect(metric(run.report, 'scenarios.unexpected')?.value).toBe(0);
    expect(metric(run.report, 'invariants.violations')?.value).toBe(0);
    expect(metric(run.report, 'rollback.duration')?.value).toBeLessThan(5 * 60_000);
    expect(metric(run.report, 'speedup')?.unit).toBe('multiplier');
    // 11 scenarios × 5 seeds; 6 of them expect a rollback on every seed.
    expect(metric(run.report, 'runs')?.value).toBe(55);
    expect(metric(run.report, 'rollback.fired')?.value).toBe(30);
    const scenarios = run.report!.suites[0]!.details!['scenarios'] as { scenario: string; expect?: string; rollback?: { trigger: string } }[];
    for (const s of scenarios) expect(s.rollback?.trigger ?? 'none', s.scenario).toBe(s.expect);
  });

  it('fails (exit 1) a swarm with a 10-minute heartbeat timeout, with the replay command in the report', async () => {
    const file = suiteFile(
      'swarm-slow-detector',
      '  seeds: 2\n  heartbeat: { timeout: 10m }\n  triggers: { silence: 30m }\n  faults: [{ type: crash, agent: memory-analyst, at: 5m, restartAfter: 15m }]',
      ['invariants.violations == 0', 'detection.max <= 60s'],
    );
    const run = await embedgate(['run', file]);
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(run.report?.verdict).toBe('fail');
    expect(metric(run.report, 'invariants.violations')?.value).toBeGreaterThan(0);
    expect(metric(run.report, 'detection.max')?.value).toBeGreaterThan(60_000);
    const failures = run.report!.suites[0]!.details!['failures'] as { seed: number; replay: string }[];
    expect(failures[0]!.replay).toMatch(/^embedgate swarm --seed \d+ --config /);
  });

  it('refuses (exit 2) byzantine weight over the tolerance, naming the path in the suite', async () => {
    const file = suiteFile(
      'swarm-too-byzantine',
      '  faults:\n    - { type: byzantine, agent: embedding-specialist, at: 0s }\n    - { type: byzantine, agent: validator, at: 0s }',
      ['invariants.violations == 0'],
    );
    const run = await embedgate(['run', file]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/faults.*byzantine weight 3 of 7/);
  });
});

describe('real work: re-embedding a tiny corpus through the fixture models', () => {
  let candidate: GgufTarget;
  let baseline: GgufTarget;
  const spec = { shards: 4, variants: 1, verifySample: 2, perTextMs: 2000 };
  const config = (faults: Record<string, unknown>[] = []) => resolveSwarmConfig({ reembed: spec, faults }, ROOT);

  beforeAll(async () => {
    const models = await ensureFixtureModels();
    const open = (name: 'candidate' | 'baseline') => {
      const m = models[name]!;
      const model: ResolvedModel = { name, path: m.path, queryPrefix: '', documentPrefix: '', expectedSha256: m.sha256, source: 'test', fixture: name };
      return openGgufTarget(model, { contexts: 1, threads: 1 });
    };
    [candidate, baseline] = await Promise.all([open('candidate'), open('baseline')]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([candidate?.close(), baseline?.close()]);
  });

  const texts = () => loadCorpus(config().reembed!).slice(0, 24);
  const reembed = (faults: Record<string, unknown>[] = [], seed = 1) => {
    const c = config(faults);
    const work = new ReembedWork(candidate, baseline, texts(), c.reembed!, c.dag.map((t) => t.id));
    return { work, run: runSwarmAsync(c, { seed, trace: 'digest', work, costOf: (task) => work.cost(task.id) }) };
  };

  it('ends with a complete store of the candidate model only, despite a crash, a byzantine and a stale worker', async () => {
    const { work, run: pending } = reembed([
      { type: 'crash', agent: 'parallel-optimizer', at: '30s', restartAfter: '2m' },
      { type: 'byzantine', agent: 'streaming-coder', at: '0s' },
      { type: 'stale-model', agent: 'embedding-specialist', at: '0s' },
    ]);
    const run = await pending;
    expect(run.violations).toEqual([]);
    expect(run.outcome).toBe('completed');
    expect(run.store).toMatchObject({ expected: 4, present: 4, missing: [], corrupted: [], wrongModel: 0, mixed: false });
    expect(Object.keys(run.store.models)).toEqual([candidate.info().sha256]);
    expect(run.record.rejected.some((r) => r.why === 'wrong-model')).toBe(true);
    expect(work.calls).toBeGreaterThan(4);
  }, 30_000);

  it('catches a store with one shard embedded by another model, and a corrupted entry', async () => {
    const c = config();
    const work = new ReembedWork(candidate, baseline, texts(), c.reembed!, c.dag.map((t) => t.id));
    const keys = c.dag.map((t) => t.id);
    const store = new EmbeddingStore();
    for (const [i, key] of keys.entries()) {
      const by = i === 1 ? baseline : candidate; // one shard written by the old model
      const vectors = await by.embed(work.textsOf(key));
      store.commit({ key, epoch: 1, model: by.info().sha256, payload: { kind: 'vectors', vectors }, committedBy: 'test', committedAt: 0 });
    }
    expect(store.corrupt(2)).toBe(keys[2]);
    const verified = store.verify(keys, candidate.info().sha256);
    expect(verified).toMatchObject({ present: 4, wrongModel: 1, mixed: true, corrupted: [keys[2]] });
    const problems = checkInvariants({ config: c, faults: [], record: emptyRecord(), store: verified, outcome: 'completed', endedAt: 0, attempts: store.attempts, keys });
    expect(problems.filter((p) => p.invariant === 'store-integrity').map((p) => p.detail)).toEqual([
      `corrupted entries at the end: ${keys[2]}`,
      expect.stringMatching(/^store mixes models/),
    ]);
  }, 30_000);

  it('rolls back on a corrupted entry of real vectors found by the scrub', async () => {
    // The four shards commit between 11.2 s and 13.5 s of virtual time (seed 1): corrupt one in between.
    const { run: pending } = reembed([{ type: 'corruption', at: '12s' }]);
    const run = await pending;
    expect(run.record.corruptions[0]?.key).toBeDefined();
    expect(run.record.rollback?.trigger).toBe('corruption');
    expect(run.violations).toEqual([]);
  }, 30_000);
});

