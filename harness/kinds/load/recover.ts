// After an overload: how long until service was shown to be back.
import { errorTotal, type PhaseResult } from '../../http-client/phase.ts';
import type { Recovery } from './side-run.ts';

export interface RecoverOptions {
  /** p50 latency of the sequential phase, when one ran: "back" means near it. */
  sequentialP50Ms?: number;
  limitMs: number;
  signal: AbortSignal;
  /** False once the target's server has died: it will not recover. */
  alive: () => boolean;
  /** Milliseconds; performance.now unless a test drives the clock. */
  now?: () => number;
}

/**
 * One connection, one-second windows (`window` runs one), until a window has only 2xx answers at
 * a latency near the sequential one (p50 within 2x, or +50 ms). The recovery time is when that
 * window ended, after the overload ended: the time until recovery was shown, so at least one
 * window even when service was back at once (its start would read as a few microseconds).
 */
export async function recover(window: () => Promise<PhaseResult>, opts: RecoverOptions): Promise<Recovery> {
  const now = opts.now ?? (() => performance.now());
  const ended = now();
  const seqP50 = opts.sequentialP50Ms;
  let windows = 0;
  while (now() - ended < opts.limitMs && !opts.signal.aborted) {
    const w = await window();
    windows++;
    const fast = seqP50 === undefined || w.latency.percentileMs(50) <= Math.max(2 * seqP50, seqP50 + 50);
    if (w.ok > 0 && errorTotal(w.errors) === 0 && fast) return { recovered: true, ms: now() - ended, windows };
    if (!opts.alive()) break;
  }
  return { recovered: false, ms: opts.limitMs, windows };
}
