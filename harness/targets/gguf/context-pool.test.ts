import { describe, expect, it } from 'vitest';
import { ContextPool } from './context-pool.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('ContextPool', () => {
  it('never hands one item to two jobs at once, and runs up to size jobs together', async () => {
    const pool = new ContextPool(['a', 'b']);
    const holding = new Set<string>();
    let peak = 0;
    const job = () =>
      pool.run(async (item) => {
        expect(holding.has(item)).toBe(false);
        holding.add(item);
        peak = Math.max(peak, holding.size);
        await tick();
        holding.delete(item);
        return item;
      });
    const results = await Promise.all(Array.from({ length: 10 }, job));
    expect(results).toHaveLength(10);
    expect(peak).toBe(2);
    expect(pool.busy).toBe(0);
  });

  it('serves waiters in arrival order', async () => {
    const pool = new ContextPool([1]);
    const order: number[] = [];
    let release!: () => void;
    const first = pool.run(() => new Promise<void>((r) => (release = r)));
    const rest = [1, 2, 3].map((n) => pool.run(async () => void order.push(n)));
    await tick();
    expect(pool.queued).toBe(3);
    release();
    await Promise.all([first, ...rest]);
    expect(order).toEqual([1, 2, 3]);
  });

  it('gives the item back when a job throws', async () => {
    const pool = new ContextPool(['x']);
    await expect(pool.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(pool.run(async (x) => x)).resolves.toBe('x');
  });

  it('rejects waiting and later jobs once closed, so nothing hangs', async () => {
    const pool = new ContextPool(['x']);
    let release!: () => void;
    const running = pool.run(() => new Promise<void>((r) => (release = r)));
    const waiting = pool.run(async () => 'never');
    pool.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(pool.run(async () => 1)).rejects.toThrow(/closed/);
    release();
    await running;
  });
});
