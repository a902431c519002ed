// Targets by capability, against the real fixture model and real worker processes: two gguf
// targets of one model side by side with different settings, each setting reaching only its own
// worker (and never this process's environment); copies, restart, and the clear error a runner
// gets when a target lacks what it needs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import type { ResolvedModel } from '../plan.ts';
import { readHeapReport } from '../probes/memory-sampler.ts';
import { processEnvironment } from '../probes/process-memory.ts';
import { openGgufTarget, type GgufTarget } from './gguf/target.ts';
import { SimulationOnlyTarget } from './swarm/target.ts';
import { describeWithModel, has, MissingCapabilityError, need } from './target.ts';

const TEXTS = ['read a file into a string asynchronously', 'debounce a function call'];
let model: ResolvedModel;
const dir = mkdtempSync(join(tmpdir(), 'embedgate-capabilities-'));

beforeAll(async () => {
  const m = (await ensureFixtureModels()).baseline!;
  model = { name: 'baseline', path: m.path, queryPrefix: '', documentPrefix: '', expectedSha256: m.sha256, source: 'test', fixture: 'baseline' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function heapReportOf(pid: number): Promise<ReturnType<typeof readHeapReport>> {
  // The probe writes its first report as it loads, before the worker says it is ready; allow a moment.
  for (let i = 0; i < 100; i++) {
    const r = readHeapReport(dir, pid);
    if (r) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  return undefined;
}

describe('two gguf targets of the same model side by side', () => {
  let probed: GgufTarget;
  let plain: GgufTarget;
  let envBefore: string;

  beforeAll(async () => {
    envBefore = JSON.stringify(process.env);
    [probed, plain] = await Promise.all([
      openGgufTarget(model, { contexts: 1, threads: 1, heapProbe: { dir, gcEveryMs: 200 } }),
      openGgufTarget(model, { contexts: 1, threads: 1 }),
    ]);
  });
  afterAll(async () => {
    await Promise.allSettled([probed?.close(), plain?.close()]);
  });

  it('leave process.env as it was', () => {
    expect(JSON.stringify(process.env)).toBe(envBefore);
  });

  it('run in separate workers, and only the probed one runs the heap probe', async () => {
    const a = probed.processes();
    const b = plain.processes();
    expect(a.pids).toHaveLength(1);
    expect(b.pids).toHaveLength(1);
    expect(a.pids[0]).not.toBe(b.pids[0]);
    expect(a.heapProbeDir).toBe(dir);
    expect(b.heapProbeDir).toBeUndefined();

    expect(processEnvironment(a.pids[0]!)?.EMBEDGATE_HEAP_PROBE_DIR).toBe(dir);
    expect(processEnvironment(a.pids[0]!)?.EMBEDGATE_HEAP_PROBE_GC_MS).toBe('200');
    expect(processEnvironment(b.pids[0]!)?.EMBEDGATE_HEAP_PROBE_DIR).toBeUndefined();
    expect(processEnvironment(b.pids[0]!)?.NODE_OPTIONS ?? '').not.toContain('heap-probe');
    expect((await heapReportOf(a.pids[0]!))?.pid).toBe(a.pids[0]);
    expect(readHeapReport(dir, b.pids[0]!)).toBeUndefined();
  });

  it('both embed, with the same vectors', async () => {
    const [va, vb] = await Promise.all([probed.embed(TEXTS), plain.embed(TEXTS)]);
    expect(va).toHaveLength(TEXTS.length);
    expect(vb).toHaveLength(TEXTS.length);
    for (let i = 0; i < TEXTS.length; i++) expect(Array.from(va[i]!)).toEqual(Array.from(vb[i]!));
  });

  it('a copy has its own worker and settings; closing it leaves the original working', async () => {
    const copy = await plain.openCopy({ heapProbe: { dir } });
    try {
      const pid = copy.processes().pids[0]!;
      expect(pid).not.toBe(plain.processes().pids[0]);
      expect(processEnvironment(pid)?.EMBEDGATE_HEAP_PROBE_DIR).toBe(dir);
      expect(copy.facts.contexts).toBe(plain.facts.contexts);
      expect(Array.from((await copy.embed([TEXTS[0]!]))[0]!)).toEqual(Array.from((await plain.embed([TEXTS[0]!]))[0]!));
    } finally {
      await copy.close();
    }
    expect(await plain.embed(TEXTS)).toHaveLength(TEXTS.length);
    expect(JSON.stringify(process.env)).toBe(envBefore);
  });

  it('serveHttp starts an embedgate serve of its own with the settings given, and close stops it', async () => {
    const endpoint = await plain.serveHttp({ cacheMb: 0, gcEveryMs: 300 });
    const server = endpoint.server!;
    try {
      expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoint.modelId).toBe('baseline.gguf');
      expect(endpoint.processes.pids).toEqual([server.pid]);
      const env = processEnvironment(server.pid);
      expect(env?.EMBEDGATE_HEAP_PROBE_DIR).toBe(endpoint.processes.heapProbeDir);
      expect(env?.EMBEDGATE_HEAP_PROBE_GC_MS).toBe('300');
      const res = await fetch(`${endpoint.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: endpoint.modelId, input: TEXTS }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(TEXTS.length);
      expect(server.crashes()).toEqual([]);
    } finally {
      await endpoint.close();
    }
    expect(server.alive).toBe(false);
    expect(server.oomEvidence()).toEqual([]);
    expect(JSON.stringify(process.env)).toBe(envBefore);
  });

  it('restart gives a new worker with the same settings, also after a crash', async () => {
    const before = probed.processes().pids[0]!;
    await probed.restart();
    const after = probed.processes().pids[0]!;
    expect(after).not.toBe(before);
    expect(processEnvironment(after)?.EMBEDGATE_HEAP_PROBE_DIR).toBe(dir);
    expect(await probed.embed(TEXTS)).toHaveLength(TEXTS.length);

    process.kill(after, 'SIGKILL');
    await probed.exited;
    expect(probed.processes().exit).toMatch(/SIGKILL/);
    await expect(probed.embed(TEXTS)).rejects.toThrow(/SIGKILL/);
    await probed.restart();
    expect(probed.processes().exit).toBeUndefined();
    expect(await probed.embed(TEXTS)).toHaveLength(TEXTS.length);
    // The other target never noticed.
    expect(await plain.embed(TEXTS)).toHaveLength(TEXTS.length);
  });
});

describe('capabilities', () => {
  it('the simulated swarm has none, and need() names the target and what it lacks', () => {
    const swarm = new SimulationOnlyTarget('simulated');
    expect(has(swarm, 'embed')).toBe(false);
    expect(has(swarm, 'info')).toBe(false);
    expect(describeWithModel(swarm)).toEqual({ ref: 'swarm:simulated', kind: 'swarm' });
    expect(() => need(swarm, 'load suite "x"', 'info', 'serveHttp')).toThrow(MissingCapabilityError);
    expect(() => need(swarm, 'load suite "x"', 'info', 'serveHttp')).toThrow(
      'load suite "x" needs a target that can give model facts and give a URL to drive over HTTP; swarm:simulated (swarm target) cannot',
    );
  });

  it('a gguf target has every one', async () => {
    const t = await openGgufTarget(model, { contexts: 1, threads: 1 });
    try {
      expect(() => need(t, 'test', 'info', 'embed', 'embedDetailed', 'serveHttp', 'processes', 'openCopy', 'measureCeiling', 'restart')).not.toThrow();
      expect(describeWithModel(t).model?.sha256).toBe(model.expectedSha256);
    } finally {
      await t.close();
    }
  });
});
