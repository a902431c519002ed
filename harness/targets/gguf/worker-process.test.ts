// The worker process as the gguf target drives it, against the real baseline fixture: what it
// reports about itself, how its death reads, and a file llama.cpp itself refuses (the preflight
// skipped, as a model that passes it but fails to load would be).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBadModels, ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import { ModelLoadError } from './errors.ts';
import { WorkerProcess } from './worker-process.ts';

let worker: WorkerProcess;

beforeAll(async () => {
  const model = (await ensureFixtureModels())['baseline']!.path;
  worker = await WorkerProcess.start({ modelPath: model, contexts: 1, threads: 1, overflow: 'error' }, { readyTimeoutMs: 120_000 });
}, 150_000);

afterAll(async () => {
  await worker?.shutdown(0);
});

describe('a worker process', () => {
  it('answers info with the facts it reported when it became ready', async () => {
    const facts = await worker.info();
    expect(facts).toEqual(worker.facts);
    expect(facts.dimensions).toBeGreaterThan(0);
    expect(typeof worker.stderr).toBe('string');
  });

  it('killed by a signal: it is dead, says how, and rejects what is asked of it after', async () => {
    expect(worker.alive).toBe(true);
    worker.kill('SIGTERM');
    await worker.exited;
    expect(worker.alive).toBe(false);
    expect(worker.death).toMatch(/SIGTERM/);
    await expect(worker.embed(['x'])).rejects.toThrow(/reopen the target to continue|not running|died/);
  });

  it('a file llama.cpp refuses to load: a ModelLoadError naming the file and llama.cpp\'s reason', async () => {
    const bad = (await ensureBadModels())['wrong-magic'];
    const err = await WorkerProcess.start({ modelPath: bad, contexts: 1, threads: 1, overflow: 'error' }, { readyTimeoutMs: 120_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).modelPath).toBe(bad);
    // Refused (load-failed), or aborted on the way: either way the harness is alive to say so.
    expect(['load', 'abort']).toContain((err as ModelLoadError).stage);
    expect((err as ModelLoadError).reason.length).toBeGreaterThan(10);
  }, 150_000);
});
