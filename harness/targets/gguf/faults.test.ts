// Every way a model or its worker can fail must become a typed error in this (surviving) process.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBadModels, ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import type { ResolvedModel } from '../../plan.ts';
import { EmbedError, ModelLoadError } from './errors.ts';
import { openGgufTarget } from './target.ts';

let good: { path: string; sha256: string };
let bad: Record<string, string>;

const model = (path: string, extra: Partial<ResolvedModel> = {}): ResolvedModel => ({ name: 'm', path, queryPrefix: '', documentPrefix: '', source: 'test', ...extra });

/** A zombie (exited, not yet reaped by whoever adopted it) counts as dead. */
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function loadError(p: Promise<unknown>): Promise<ModelLoadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelLoadError);
  return err as ModelLoadError;
}

beforeAll(async () => {
  const models = await ensureFixtureModels();
  good = models.baseline as { path: string; sha256: string };
  bad = await ensureBadModels();
});

describe('bad model files are refused before llama.cpp sees them', () => {
  it.each([
    ['truncated', /truncated/],
    ['wrong-magic', /magic|GGUF/i],
    ['bad-tensor-table', /tensor/],
  ])('%s → ModelLoadError naming the file and the reason', async (kind, reason) => {
    const path = bad[kind] as string;
    const err = await loadError(openGgufTarget(model(path), { contexts: 1, threads: 1 }));
    expect(err.stage).toBe('preflight');
    expect(err.modelPath).toBe(path);
    expect(err.message).toContain(path);
    expect(err.reason).toMatch(reason);
  });

  it('a duplicate vocabulary token is caught by the preflight too', async () => {
    const err = await loadError(openGgufTarget(model(bad['duplicate-vocab'] as string), { contexts: 1, threads: 1 }));
    expect(err.stage).toBe('preflight');
    expect(err.reason).toMatch(/duplicate/);
  });

  it('a missing file says so', async () => {
    const err = await loadError(openGgufTarget(model('/nonexistent/model.gguf')));
    expect(err.reason).toMatch(/not found/);
  });

  it('a sha256 that differs from the manifest is refused before loading', async () => {
    const err = await loadError(openGgufTarget(model(good.path, { expectedSha256: '0'.repeat(64), source: 'suites/models.yaml' }), { contexts: 1 }));
    expect(err.stage).toBe('checksum');
    expect(err.message).toContain(good.sha256);
    expect(err.message).toContain('suites/models.yaml');
  });
});

describe('a crash inside the worker is contained', () => {
  it('a duplicate vocabulary token that skips the preflight aborts the worker, not us', async () => {
    const path = bad['duplicate-vocab'] as string;
    const err = await loadError(openGgufTarget(model(path), { contexts: 1, threads: 1, skipPreflight: true }));
    expect(err.stage).toBe('abort');
    expect(err.details.signal).toBe('SIGABRT');
    expect(err.message).toContain(path);
    expect(err.reason).toMatch(/aborted \(SIGABRT\)/);
    expect(err.details.stderrTail).toMatch(/GGML_ASSERT|assert|abort/i);
  });

  it('a worker killed mid-request rejects the pending embed within a second, and every later one at once', async () => {
    const target = await openGgufTarget(model(good.path), { contexts: 1, threads: 1 });
    // Enough work that the request is certainly still running when the kill lands.
    const pending = target.embed(Array.from({ length: 5000 }, (_, i) => `function f${i}(a, b) { return a + b * ${i}; }`));
    const settled = pending.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    const killedAt = performance.now();
    process.kill(target.pid as number, 'SIGKILL');
    const err = await settled;
    expect(performance.now() - killedAt).toBeLessThan(1000);
    expect(err).toBeInstanceOf(EmbedError);
    expect(err).toMatchObject({ code: 'worker-died' });
    expect((err as Error).message).toMatch(/SIGKILL/);
    await expect(target.embed(['again'])).rejects.toMatchObject({ code: 'worker-died' });
    await target.close(); // still fine to call
  });

  it('a ready timeout kills the worker and says what to raise', async () => {
    const err = await loadError(openGgufTarget(model(good.path), { contexts: 1, threads: 1, readyTimeoutMs: 1 }));
    expect(err.stage).toBe('timeout');
    expect(err.message).toMatch(/readyTimeoutMs/);
    expect(isAlive(err.details.pid as number)).toBe(false);
  });
});

describe('no orphan workers', () => {
  const helper = fileURLToPath(new URL('./testing/orphan-parent.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

  it.each(['exit', 'kill'])('a parent that dies (%s) takes its worker with it', async (how) => {
    const stdout = await new Promise<string>((resolve) => {
      execFile(process.execPath, ['--import', tsx, helper, good.path, how], (_err, out) => resolve(out));
    });
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 3000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(pid)).toBe(false);
  });
});

describe('process isolation', () => {
  it('only worker.ts imports node-llama-cpp: the harness never loads the native addon', () => {
    const dir = fileURLToPath(new URL('./', import.meta.url));
    const importers = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => /from ['"]node-llama-cpp/.test(readFileSync(`${dir}/${f}`, 'utf8')));
    expect(importers).toEqual(['worker.ts']);
  });
});
