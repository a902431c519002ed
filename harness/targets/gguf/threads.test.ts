import { describe, expect, it } from 'vitest';
import { chooseThreads, detectCores, envOverrides, LARGE_MODEL_BYTES, MAX_CONTEXTS, readCgroupCpuQuota } from './threads.ts';

const cores = (n: number, quota?: () => number | undefined) => detectCores({ availableParallelism: () => n, cgroupQuota: quota ?? (() => undefined) });

describe('detectCores', () => {
  it('takes availableParallelism when no quota is set', () => {
    expect(cores(8)).toEqual({ cores: 8, availableParallelism: 8 });
  });

  it('lets a cgroup quota lower the count, rounding down but never below one', () => {
    expect(cores(8, () => 2).cores).toBe(2);
    expect(cores(8, () => 1.5).cores).toBe(1);
    expect(cores(8, () => 0.5).cores).toBe(1);
    expect(cores(2, () => 16).cores).toBe(2);
    expect(cores(8, () => 2.5).cgroupQuota).toBe(2.5);
  });
});

describe('readCgroupCpuQuota', () => {
  const files = (map: Record<string, string>) => (p: string) => {
    const v = map[p];
    if (v === undefined) throw new Error('ENOENT');
    return v;
  };

  it('reads the nested cgroup of this process first', () => {
    const read = files({
      '/proc/self/cgroup': '0::/job/42\n',
      '/sys/fs/cgroup/job/42/cpu.max': '150000 100000\n',
      '/sys/fs/cgroup/cpu.max': 'max 100000\n',
    });
    expect(readCgroupCpuQuota(read)).toBe(1.5);
  });

  it('treats "max", a missing file and cgroup v1 as no quota', () => {
    expect(readCgroupCpuQuota(files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeUndefined();
    expect(readCgroupCpuQuota(files({ '/proc/self/cgroup': '4:cpu:/\n' }))).toBeUndefined();
    expect(readCgroupCpuQuota(files({}))).toBeUndefined();
  });

  it('falls back to the root file', () => {
    expect(readCgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '200000 100000' }))).toBe(2);
  });
});

describe('chooseThreads', () => {
  const env = {};

  it('gives one thread per context and two contexts per core for a small model', () => {
    const c = chooseThreads({ cores: cores(2), env, modelBytes: 1_000_000 });
    expect(c).toMatchObject({ threads: 1, contexts: 4, source: 'policy' });
    expect(c.reason).toContain('2 core(s)');
  });

  it('gives one context per core for a large model', () => {
    expect(chooseThreads({ cores: cores(2), env, modelBytes: LARGE_MODEL_BYTES * 4 })).toMatchObject({ threads: 1, contexts: 2 });
  });

  it('caps the pool on many cores and says so', () => {
    const c = chooseThreads({ cores: cores(64), env });
    expect(c.contexts).toBe(MAX_CONTEXTS);
    expect(c.reason).toContain(`capped at ${MAX_CONTEXTS}`);
  });

  it('respects a cgroup quota below the visible cores', () => {
    expect(chooseThreads({ cores: cores(16, () => 1), env, modelBytes: LARGE_MODEL_BYTES }).contexts).toBe(1);
  });

  it('takes options over env over policy, field by field', () => {
    const e = { EMBEDGATE_THREADS: '2', EMBEDGATE_CONTEXTS: '3' };
    expect(chooseThreads({ cores: cores(2), env: e })).toMatchObject({ threads: 2, contexts: 3, source: 'env' });
    const c = chooseThreads({ cores: cores(2), env: e, options: { contexts: 1 } });
    expect(c).toMatchObject({ threads: 2, contexts: 1, source: 'option' });
    expect(c.reason).toContain('EMBEDGATE_THREADS');
  });

  it('warns when overrides oversubscribe the cores with multi-threaded contexts', () => {
    expect(chooseThreads({ cores: cores(2), env, options: { threads: 2, contexts: 2 } }).reason).toContain('oversubscribes');
  });

  it('rejects bad values naming the variable or option', () => {
    expect(() => envOverrides({ EMBEDGATE_THREADS: 'four' })).toThrow(/EMBEDGATE_THREADS="four"/);
    expect(() => envOverrides({ EMBEDGATE_CONTEXTS: '0' })).toThrow(/EMBEDGATE_CONTEXTS/);
    expect(() => chooseThreads({ cores: cores(2), env, options: { threads: 1.5 } })).toThrow(/option threads=1.5/);
    expect(envOverrides({ EMBEDGATE_THREADS: '' })).toEqual({});
  });
});
