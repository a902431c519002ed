// Virtual time: a discrete-event queue. Events fire in (time, insertion order), so two events at
// the same virtual millisecond always fire in the order they were scheduled: no ties decided by
// the host. Time is an integer number of milliseconds; nothing here reads the wall clock.

interface Scheduled {
  at: number;
  seq: number;
  fire: () => void;
  /** Real work the event's handler reads; the async loop awaits it before firing (real-work mode). */
  waitFor?: Promise<unknown>;
}

export class VirtualClock {
  private heap: Scheduled[] = [];
  private seq = 0;
  private current = 0;
  private stopped = false;
  /** Events fired so far, for the benchmark and as a runaway guard. */
  fired = 0;

  get now(): number {
    return this.current;
  }

  /** Schedules `fire` after `delay` ms (rounded to whole ms, never in the past). */
  after(delay: number, fire: () => void, waitFor?: Promise<unknown>): void {
    this.at(this.current + Math.max(0, Math.round(delay)), fire, waitFor);
  }

  at(time: number, fire: () => void, waitFor?: Promise<unknown>): void {
    const item: Scheduled = { at: Math.max(this.current, Math.round(time)), seq: this.seq++, fire };
    if (waitFor) item.waitFor = waitFor;
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  /** Ends the run: no further event fires. */
  stop(): void {
    this.stopped = true;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Fires events up to and including `until`; throws on an event that waits for real work. */
  run(until: number, maxEvents = 50_000_000): void {
    for (;;) {
      const next = this.peekDue(until);
      if (!next) return;
      if (next.waitFor) throw new Error('this simulation does real work; run it with runAsync()');
      this.fireNext();
      if (this.fired > maxEvents) throw new Error(`simulation ran away: more than ${maxEvents} events`);
    }
  }

  /** Like run(), but awaits the real work an event waits for before firing it. */
  async runAsync(until: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const next = this.peekDue(until);
      if (!next) return;
      if (next.waitFor) {
        signal?.throwIfAborted();
        await next.waitFor.catch(() => undefined);
      }
      this.fireNext();
    }
  }

  private peekDue(until: number): Scheduled | undefined {
    if (this.stopped) return undefined;
    const top = this.heap[0];
    return top && top.at <= until ? top : undefined;
  }

  private fireNext(): void {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
        if (!before(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    this.current = top.at;
    this.fired++;
    top.fire();
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
