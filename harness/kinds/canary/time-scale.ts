// The plan's trigger durations are the nightly configuration's (5 min, 10 min, 3 min); a short run
// multiplies them by the suite's timeScale. Every scaled duration is written with its factor and
// its nightly value beside it, so nobody takes a scaled pass for a full one.
import { formatMs } from '../../format.ts';
import type { CanaryParams } from './params.ts';
import type { ScaledDurations } from './triggers.ts';

export interface ScaledDuration {
  ms: number;
  /** "3 s (5 min × time scale 0.01)", or "5 min (nightly, time scale 1)". */
  text: string;
}

export function scaled(ms: number, scale: number): ScaledDuration {
  const v = ms * scale;
  return { ms: v, text: scale === 1 ? `${formatMs(v)} (time scale 1: the nightly value)` : `${formatMs(v)} (${formatMs(ms)} × time scale ${scale})` };
}

export function scaledTriggers(p: CanaryParams): { durations: ScaledDurations; texts: Record<'memory' | 'latency' | 'silence', string> } {
  const memory = scaled(p.triggers.memory.for, p.timeScale);
  const latency = scaled(p.triggers.latency.for, p.timeScale);
  const silence = scaled(p.triggers.silence.for, p.timeScale);
  return { durations: { intervalMs: p.interval, memoryMs: memory.ms, latencyMs: latency.ms, silenceMs: silence.ms }, texts: { memory: memory.text, latency: latency.text, silence: silence.text } };
}
