// What a gguf target offers beyond embedding, against the real baseline fixture: its own
// `embedgate serve` over HTTP (ServeProcess: ready on /health, the same vectors as in process,
// a clean stop, a SIGKILL it did not send counted as OOM evidence, a model that cannot load),
// a fresh copy of its worker, a restart, the in-process ceiling, and the processes it runs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBadModels, ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import type { ResolvedModel } from '../../plan.ts';
import type { HttpEndpoint } from '../target.ts';
import { EmbedError } from './errors.ts';
import { ServeProcess } from './serve-process.ts';
import { openGgufTarget, type GgufTarget } from './target.ts';

const TEXT = 'search_query: read a file into a string';

let model: ResolvedModel;
let badModel: string;
let target: GgufTarget;

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

async function embedOverHttp(url: string, modelId: string, input: string): Promise<number[]> {
  const res = await fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: modelId, input }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: { embedding: number[] }[] };
  return body.data[0]!.embedding;
}

beforeAll(async () => {
  const built = await ensureFixtureModels();
  const m = built['baseline']!;
  model = { name: 'baseline', path: m.path, queryPrefix: '', documentPrefix: '', expectedSha256: m.sha256, source: 'test', fixture: 'baseline' };
  badModel = (await ensureBadModels())['truncated'];
  target = await openGgufTarget(model, { contexts: 1, threads: 1 });
}, 120_000);

afterAll(async () => {
  await target?.close();
});

describe('a gguf target served over HTTP', () => {
  let endpoint: HttpEndpoint;
  let killed: ServeProcess;
  beforeAll(async () => {
    [endpoint, killed] = await Promise.all([target.serveHttp({ cacheMb: 0, queue: 64 }), ServeProcess.start({ model: model.path, contexts: 1, threads: 1, cacheMb: 0 })]);
  }, 120_000);

  it('answers /health once started, and embeds what the target embeds in process', async () => {
    const server = endpoint.server as ServeProcess;
    expect(server.coldStartMs).toBeGreaterThan(0);
    expect(endpoint.processes.pids).toEqual([server.pid]);
    expect(server.alive).toBe(true);
    const health = await fetch(`${endpoint.url}/health`);
    expect(health.status).toBe(200);
    const [inProcess] = await target.embed([TEXT]);
    expect(cosine(await embedOverHttp(endpoint.url, endpoint.modelId, TEXT), inProcess!)).toBeGreaterThan(0.9999);
    expect(server.crashes()).toEqual([]);
    expect(server.oomEvidence()).toEqual([]);
  });

  it('stops cleanly on close: SIGTERM, exit 0, its heap probe folder removed, no OOM evidence', async () => {
    const server = endpoint.server as ServeProcess;
    expect(existsSync(server.heapProbeDir)).toBe(true);
    await endpoint.close();
    expect(server.alive).toBe(false);
    expect(server.exit).toEqual({ code: 0, signal: null });
    expect(existsSync(server.heapProbeDir)).toBe(false);
    expect(server.oomEvidence()).toEqual([]);
    expect(server.stderr).toMatch(/SIGTERM, finishing requests in flight/);
  });

  it('counts a SIGKILL the harness did not send as OOM evidence and as a crash', async () => {
    process.kill(killed.pid, 'SIGKILL');
    await killed.exited;
    expect(killed.alive).toBe(false);
    expect(killed.oomEvidence()).toContain('embedgate serve was killed by SIGKILL');
    expect(killed.crashes()[0]).toBe('embedgate serve exited (SIGKILL)');
    await killed.stop(); // nothing left to stop; the probe folder still goes
    expect(existsSync(killed.heapProbeDir)).toBe(false);
  });

  it('a model that cannot load fails the start with the server\'s reason', async () => {
    await expect(ServeProcess.start({ model: badModel, readyTimeoutMs: 60_000 })).rejects.toThrow(/exited before it was ready \(code 3\)[\s\S]*truncated\.gguf/);
  });

  it('a server not ready in time is killed and reported', async () => {
    await expect(ServeProcess.start({ model: model.path, contexts: 1, threads: 1, readyTimeoutMs: 1 })).rejects.toThrow(/not ready within 0 s/);
  });
});

describe('a gguf target\'s own processes', () => {
  it('a copy runs its own worker with its own settings and embeds the same vectors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-copy-'));
    const copy = await target.openCopy({ overflow: 'truncate', heapProbe: { dir, gcEveryMs: 500 } });
    try {
      expect(copy.processes().pids[0]).not.toBe(target.processes().pids[0]);
      expect(copy.processes().heapProbeDir).toBe(dir);
      const [a] = await copy.embed([TEXT]);
      const [b] = await target.embed([TEXT]);
      expect(cosine(a!, b!)).toBeGreaterThan(0.9999);
    } finally {
      await copy.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(copy.alive).toBe(false);
    await expect(copy.embedDetailed([TEXT])).rejects.toThrow(/is closed/);
    await expect(copy.restart()).rejects.toBeInstanceOf(EmbedError);
  }, 120_000);

  it('restart replaces the worker, which then embeds as before', async () => {
    const before = target.processes().pids[0];
    const [a] = await target.embed([TEXT]);
    await target.restart();
    expect(target.processes().pids[0]).not.toBe(before);
    expect(target.alive).toBe(true);
    const [b] = await target.embed([TEXT]);
    expect(cosine(a!, b!)).toBeGreaterThan(0.9999);
    expect(await target.embedDetailed([])).toEqual({ vectors: [], truncated: [], tokens: [] });
  }, 120_000);

  it('measures its in-process ceiling: sequential, three ways of calling, the best confirmed', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `function f${i}(x) { return x + ${i}; }`);
    const result = await target.measureCeiling(texts, { durationMs: 300, warmup: 2 });
    expect(result.sequentialRps).toBeGreaterThan(0);
    expect(result.ceilingRps).toBeGreaterThan(0);
    expect(result.tried).toHaveLength(3);
    expect(result.tried).toContainEqual(expect.objectContaining({ concurrency: result.concurrency, batch: result.batch, rps: result.selectedRps }));
    expect(result).toMatchObject({ contexts: 1, threads: 1 });
    expect(result.engine).toMatch(/^node-llama-cpp \d+\.\d+\.\d+ .*in process, 1 context\(s\) × 1 thread\(s\)$/);
    expect(result.embeddings).toBeGreaterThan(2);
  });
});
