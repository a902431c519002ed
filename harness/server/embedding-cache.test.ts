import { describe, expect, it } from 'vitest';
import { EmbeddingCache } from './embedding-cache.ts';

const vec = (...xs: number[]) => Float32Array.from(xs);

describe('EmbeddingCache', () => {
  it('keys by model sha256, prefix and text', () => {
    const a = new EmbeddingCache('sha-a', 1 << 20);
    const b = new EmbeddingCache('sha-b', 1 << 20);
    expect(a.key('', 'text')).not.toBe(b.key('', 'text'));
    expect(a.key('q: ', 'text')).not.toBe(a.key('', 'q: text'));
    expect(a.key('ab', 'c')).not.toBe(a.key('a', 'bc'));
    expect(a.key('p', 't')).toBe(a.key('p', 't'));
  });

  it('hits after a set, counts hits and misses, and hands out copies', () => {
    const c = new EmbeddingCache('m', 1 << 20);
    const k = c.key('', 'x');
    expect(c.get(k)).toBeUndefined();
    c.set(k, { vector: vec(1, 2, 3), tokens: 3 });
    const hit = c.get(k)!;
    expect(Array.from(hit.vector)).toEqual([1, 2, 3]);
    hit.vector[0] = 99;
    expect(c.get(k)!.vector[0]).toBe(1);
    expect(c.snapshot()).toMatchObject({ hits: 2, misses: 1, corrupt: 0, entries: 1 });
  });

  it('detects a corrupted entry, counts it, drops it and never returns it', () => {
    const c = new EmbeddingCache('m', 1 << 20);
    const k = c.key('', 'x');
    c.set(k, { vector: vec(0.5, 0.25), tokens: 2 });
    expect(c.corruptForTesting(k)).toBe(true);
    expect(c.get(k)).toBeUndefined();
    expect(c.snapshot()).toMatchObject({ corrupt: 1, entries: 0, hits: 0, misses: 1, bytes: 0 });
    c.set(k, { vector: vec(0.5, 0.25), tokens: 2 });
    expect(Array.from(c.get(k)!.vector)).toEqual([0.5, 0.25]);
  });

  it('evicts the least recently used entry to stay under its byte limit', () => {
    const probe = new EmbeddingCache('m', 1 << 20);
    probe.set(probe.key('', 'a'), { vector: new Float32Array(64), tokens: 1 });
    const perEntry = probe.snapshot().bytes;
    const c = new EmbeddingCache('m', perEntry * 2 + 10);
    const [ka, kb, kc] = ['a', 'b', 'c'].map((t) => c.key('', t)) as [string, string, string];
    c.set(ka, { vector: new Float32Array(64), tokens: 1 });
    c.set(kb, { vector: new Float32Array(64), tokens: 1 });
    c.get(ka); // a is now the most recently used
    c.set(kc, { vector: new Float32Array(64), tokens: 1 });
    expect(c.get(kb)).toBeUndefined();
    expect(c.get(ka)).toBeDefined();
    expect(c.get(kc)).toBeDefined();
    expect(c.snapshot()).toMatchObject({ evictions: 1, entries: 2 });
    expect(c.snapshot().bytes).toBeLessThanOrEqual(c.maxBytes);
  });

  it('corruptRecent corrupts the most recently used entries, which a checked read then drops', () => {
    const c = new EmbeddingCache('m', 1 << 20);
    const [a, b, d] = ['a', 'b', 'd'].map((t) => c.key('', t));
    for (const k of [a!, b!, d!]) c.set(k, { vector: vec(0.5, 0.5), tokens: 2 });
    expect(c.corruptRecent(2)).toBe(2);
    expect(c.get(a!)).toBeDefined();
    expect(c.get(b!)).toBeUndefined();
    expect(c.get(d!)).toBeUndefined();
    expect(c.snapshot()).toMatchObject({ corrupt: 2, entries: 1 });
  });

  it('without verification (a test-only server) hands out the corrupted vector', () => {
    const c = new EmbeddingCache('m', 1 << 20, false);
    const k = c.key('', 'x');
    c.set(k, { vector: vec(0.5, 0.5), tokens: 2 });
    c.corruptRecent(1);
    const served = c.get(k)!.vector[0]!;
    expect(Math.abs(served)).toBeGreaterThan(1e18);
    expect(c.snapshot().corrupt).toBe(0);
  });
});

