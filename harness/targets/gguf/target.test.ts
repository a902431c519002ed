// The gguf target against real fixture models, through the real worker process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGgufFile } from '../../gguf/check.ts';
import { ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import type { ResolvedModel } from '../../plan.ts';
import { EmbedError } from './errors.ts';
import { openGgufTarget, type GgufTarget } from './target.ts';

const TEXTS = [
  'read a file into a string asynchronously',
  'export async function readText(path: string) { return fs.promises.readFile(path, "utf8"); }',
  'debounce a function call',
  'function debounce(fn, wait) { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), wait); }; }',
  'x',
];

let models: Record<string, { path: string; sha256: string }>;

function resolved(name: string): ResolvedModel {
  const m = models[name];
  if (!m) throw new Error(`fixture model ${name} missing: ${Object.keys(models).join(', ')}`);
  return { name, path: m.path, queryPrefix: 'search_query: ', documentPrefix: 'search_document: ', expectedSha256: m.sha256, source: 'test', fixture: name };
}

beforeAll(async () => {
  models = await ensureFixtureModels();
});

describe.each(['baseline', 'candidate'])('gguf target: %s', (name) => {
  let target: GgufTarget;
  beforeAll(async () => {
    target = await openGgufTarget(resolved(name), { contexts: 2, threads: 1 });
  });
  afterAll(async () => {
    await target?.close();
  });

  it('reports ModelInfo read from the GGUF metadata', async () => {
    const summary = await checkGgufFile(resolved(name).path);
    const info = target.info();
    expect(info).toMatchObject({
      name,
      path: resolved(name).path,
      sha256: models[name]?.sha256,
      fileSize: summary.fileSize,
      architecture: summary.architecture,
      dimensions: summary.dimensions,
      pooling: summary.pooling,
      queryPrefix: 'search_query: ',
      threads: 1,
      contexts: 2,
    });
    expect(info.contextLength).toBeGreaterThan(0);
    expect(target.describe()).toMatchObject({ ref: `gguf:${name}`, kind: 'gguf', model: info });
  });

  it('returns one finite vector of the metadata dimensions per text', async () => {
    const vectors = await target.embed(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(target.info().dimensions);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(v.some((x) => x !== 0)).toBe(true);
    }
    // Different texts must not collapse to one vector.
    expect(Array.from(vectors[0] as Float32Array)).not.toEqual(Array.from(vectors[2] as Float32Array));
  });

  it('is deterministic across calls, and a batch equals the texts one by one', async () => {
    const batch = await target.embed(TEXTS);
    const again = await target.embed(TEXTS);
    const singles = await Promise.all(TEXTS.map(async (t) => (await target.embed([t]))[0]));
    expect(again).toEqual(batch);
    expect(singles).toEqual(batch);
  });

  it('answers every one of many concurrent calls with its own text', async () => {
    const expected = await target.embed(TEXTS);
    const calls = Array.from({ length: 60 }, (_, i) => target.embed([TEXTS[i % TEXTS.length] as string]));
    const got = await Promise.all(calls);
    got.forEach((r, i) => expect(r[0]).toEqual(expected[i % TEXTS.length]));
  });

  it('rejects an empty text with a clear error naming its index', async () => {
    const err = await target.embed(['ok', '']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmbedError);
    expect(err).toMatchObject({ code: 'empty-input', index: 1 });
    // The worker is still fine afterwards.
    expect(await target.embed(['ok'])).toHaveLength(1);
  });
});

describe('texts longer than the context', () => {
  const long = Array.from({ length: 400 }, (_, i) => `token${i}`).join(' ');

  it("rejects them by default, saying how long, the limit, and the 'truncate' option", async () => {
    const target = await openGgufTarget(resolved('baseline'), { contexts: 1, threads: 1, contextSize: 64 });
    try {
      const err = await target.embed(['short', long]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EmbedError);
      expect(err).toMatchObject({ code: 'input-too-long', index: 1 });
      expect((err as Error).message).toMatch(/text 1 is \d+ tokens, the context allows 64.*truncate/);
    } finally {
      await target.close();
    }
  });

  it("embeds their first tokens with overflow: 'truncate' and says which were cut", async () => {
    const target = await openGgufTarget(resolved('baseline'), { contexts: 1, threads: 1, contextSize: 64, overflow: 'truncate' });
    try {
      const r = await target.embedDetailed(['short', long]);
      expect(r.truncated).toEqual([1]);
      expect(r.vectors[1]?.length).toBe(target.info().dimensions);
      expect(target.truncatedTexts).toBe(1);
    } finally {
      await target.close();
    }
  });
});

describe('close', () => {
  it('stops the worker, and later calls reject instead of hanging', async () => {
    const target = await openGgufTarget(resolved('baseline'), { contexts: 1, threads: 1 });
    const pid = target.pid as number;
    await target.close();
    expect(() => process.kill(pid, 0)).toThrow(); // gone
    await expect(target.embed(['x'])).rejects.toMatchObject({ code: 'closed' });
    await target.close(); // twice is fine
  });
});
