// A fixed set of resources handed out one job at a time, FIFO. The worker pools embedding
// contexts with it: a node-llama-cpp embedding context evaluates one input at a time behind a
// lock, so concurrency comes from several contexts, not from calling one context concurrently.
// Generic (no node-llama-cpp import) so it can be tested without a model.

export class ContextPool<T> {
  private readonly idle: T[];
  private readonly waiters: ((item: T) => void)[] = [];
  private closed = false;

  constructor(readonly items: readonly T[]) {
    if (items.length === 0) throw new Error('ContextPool needs at least one item');
    this.idle = [...items];
  }

  get size(): number {
    return this.items.length;
  }

  /** Jobs waiting for a free item (not counting those running). */
  get queued(): number {
    return this.waiters.length;
  }

  get busy(): number {
    return this.items.length - this.idle.length;
  }

  /** Runs fn with an item no other job holds, and gives the item back however fn ends. */
  async run<R>(fn: (item: T) => Promise<R>): Promise<R> {
    const item = await this.acquire();
    try {
      return await fn(item);
    } finally {
      this.release(item);
    }
  }

  /** Refuses new jobs; jobs already waiting are rejected so no caller hangs. */
  close(): void {
    this.closed = true;
    const waiting = this.waiters.splice(0);
    for (const w of waiting) w(undefined as never);
  }

  private acquire(): Promise<T> {
    if (this.closed) return Promise.reject(new Error('context pool is closed'));
    const item = this.idle.pop();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      this.waiters.push((it) => (it === undefined ? reject(new Error('context pool is closed')) : resolve(it)));
    });
  }

  private release(item: T): void {
    const next = this.waiters.shift();
    if (next && !this.closed) next(item);
    else this.idle.push(item);
  }
}
