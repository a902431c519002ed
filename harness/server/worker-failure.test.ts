// A dying worker: in-flight requests get 503 fast, the worker restarts with backoff, /health and
// /metrics say so, and a model that crashes on every load opens the circuit breaker.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServedModelCopy } from '../faults/data/corrupt-model.ts';
import { ensureBadModels, ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import type { ResolvedModel } from '../plan.ts';
import { startServer, type EmbedServer } from './server.ts';

let baseline: ResolvedModel;
let crashing: ResolvedModel;
let server: EmbedServer | undefined;

const model = (name: string, path: string): ResolvedModel => ({ name, path, queryPrefix: '', documentPrefix: '', source: 'test' });
const post = (body: unknown) => fetch(`${server!.url}/v1/embeddings`, { method: 'POST', body: JSON.stringify(body) });
const metric = async (name: string) => {
  const text = await (await fetch(`${server!.url}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
};
async function until(cond: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  baseline = model('baseline', (await ensureFixtureModels()).baseline!.path);
  crashing = model('crashing', (await ensureBadModels())['duplicate-vocab']!);
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('worker death', () => {
  it('SIGKILL: requests in flight get 503 at once, the worker restarts, /health and /metrics show it', async () => {
    server = await startServer({ model: baseline, target: { contexts: 1, threads: 1 }, cacheBytes: 0, supervisor: { backoffBaseMs: 100 } });
    await server.ready;
    const pid = server.supervisor.current!.pid!;
    const texts = Array.from({ length: 400 }, (_, i) => `function f${i}(a, b) { return a * ${i} + b; }`);
    const inFlight = post({ input: texts });
    await until(() => server!.service.queue.inFlight > 0);
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    const res = await inFlight;
    expect(performance.now() - killedAt).toBeLessThan(2000);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('worker_restarting');
    expect(body.error.message).toMatch(/SIGKILL/);

    await until(async () => (await fetch(`${server!.url}/health`)).status === 200);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { worker: { pid: number; restarts: number; crashes: number; lastCrash: string } };
    expect(health.worker.pid).not.toBe(pid);
    expect(health.worker).toMatchObject({ restarts: 1, crashes: 1 });
    expect(health.worker.lastCrash).toMatch(/SIGKILL/);
    expect(await metric('embedgate_worker_restarts_total')).toBe(1);
    expect(await metric('embedgate_worker_up')).toBe(1);
    expect((await post({ input: 'after the restart' })).status).toBe(200);
  });

  it('a model that aborts llama.cpp on every load opens the circuit breaker; requests get 503 circuit_open at once', async () => {
    // The preflight would refuse this file; skipping it makes every load a real SIGABRT in the worker.
    server = await startServer({
      model: crashing,
      target: { contexts: 1, threads: 1, skipPreflight: true },
      // A wide window: on a busy machine three worker starts can take longer than a minute.
      supervisor: { backoffBaseMs: 50, maxCrashes: 3, windowMs: 600_000, cooldownMs: 600_000 },
    });
    const health = () => fetch(`${server!.url}/health`);
    await until(async () => server!.supervisor.state === 'circuit-open', 90_000);
    expect(server.supervisor.crashes).toBe(3);
    expect(server.supervisor.lastCrash).toMatch(/SIGABRT/);
    const h = await health();
    expect(h.status).toBe(503);
    expect(Number(h.headers.get('retry-after'))).toBeGreaterThan(30);
    expect(await h.json()).toMatchObject({ status: 'circuit-open', ready: false, worker: { crashes: 3, restarts: 2 } });
    const res = await post({ input: 'anything' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'circuit_open' } });
    expect(await metric('embedgate_circuit_open')).toBe(1);
    expect(await metric('embedgate_worker_crashes_total')).toBe(3);
  }, 120_000);

  it('a model the preflight refuses fails for good: ready rejects with the reason, no restarts', async () => {
    server = await startServer({ model: crashing, target: { contexts: 1, threads: 1 } });
    await expect(server.ready).rejects.toThrow(/duplicate/);
    expect(server.supervisor.state).toBe('failed');
    expect(server.supervisor.restarts).toBe(0);
    const res = await post({ input: 'a' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'model_load_failed' } });
  });

  it('a model file damaged before a restart: the preflight refuses it naming the file, the circuit opens, and once the file is back the service recovers', async () => {
    const copy = new ServedModelCopy(baseline.path);
    try {
      server = await startServer({ model: model('copy', copy.path), target: { contexts: 1, threads: 1 }, cacheBytes: 0, supervisor: { backoffBaseMs: 50, cooldownMs: 500 } });
      await server.ready;
      await copy.damage('truncate');
      process.kill(server.supervisor.current!.pid!, 'SIGKILL');
      await until(() => server!.supervisor.state === 'circuit-open');
      const h = await fetch(`${server.url}/health`);
      expect(h.status).toBe(503);
      const body = (await h.json()) as { status: string; worker: { lastCrash: string } };
      expect(body.status).toBe('circuit-open');
      expect(body.worker.lastCrash).toContain(copy.path);
      expect(await metric('embedgate_circuit_open')).toBe(1);
      expect((await post({ input: 'a' })).status).toBe(503);
      await copy.restore();
      await until(() => server!.supervisor.state === 'ready');
      expect(await metric('embedgate_circuit_open')).toBe(0);
      expect((await post({ input: 'after the file is back' })).status).toBe(200);
    } finally {
      await server?.stop();
      server = undefined;
      copy.remove();
    }
  }, 120_000);
});
