import { describe, expect, it } from 'vitest';
import type { PhaseResult } from '../../http-client/phase.ts';
import { recover } from './recover.ts';
import { phaseResult } from './testing/phase-result.ts';

/** Windows handed out in order, each advancing a fake clock by one second. */
function windows(list: PhaseResult[]) {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    next: async () => {
      t += 1000;
      return list[Math.min(i++, list.length - 1)]!;
    },
  };
}
const refused = phaseResult('recovery', { ok: 0, latencies: [], errors: { status: 5, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0 } });
const slow = phaseResult('recovery', { latencies: [400, 400] });
const clean = phaseResult('recovery', { latencies: [12, 14] });
const signal = new AbortController().signal;

describe('recover', () => {
  it('ends at the first clean window near sequential latency, counting the windows until then', async () => {
    const w = windows([refused, slow, clean]);
    const r = await recover(w.next, { sequentialP50Ms: 10, limitMs: 30_000, signal, alive: () => true, now: w.now });
    expect(r).toEqual({ recovered: true, ms: 3000, windows: 3 });
  });

  it('takes a slow window as recovered when no sequential phase gave a reference', async () => {
    const w = windows([slow]);
    expect(await recover(w.next, { limitMs: 30_000, signal, alive: () => true, now: w.now })).toEqual({ recovered: true, ms: 1000, windows: 1 });
  });

  it('reports the limit when service never came back, and stops early once the server died', async () => {
    const w = windows([refused]);
    expect(await recover(w.next, { sequentialP50Ms: 10, limitMs: 5000, signal, alive: () => true, now: w.now })).toEqual({ recovered: false, ms: 5000, windows: 5 });
    const dead = windows([refused]);
    expect(await recover(dead.next, { sequentialP50Ms: 10, limitMs: 5000, signal, alive: () => false, now: dead.now })).toEqual({ recovered: false, ms: 5000, windows: 1 });
  });
});
