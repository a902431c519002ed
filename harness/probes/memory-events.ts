// Memory samples as events, so events.jsonl holds the raw series as it is measured: a run that
// crashes keeps what it sampled, and a leak verdict can be checked against every sample later.
import type { EmitFn } from '../events.ts';
import type { MemorySample } from './memory-sampler.ts';

/** A MemorySampler onSample callback that emits one `sample` event per series of each sample. */
export function emitMemorySamples(emit: EmitFn, suite: string, attrs: Record<string, string>): (s: MemorySample) => void {
  return (s) => {
    const common = { ...attrs, requests: s.x, ms: s.t, processes: s.pids };
    const series: [string, number | undefined][] = [
      ['memory.rss', s.rss],
      ['memory.anon', s.anon],
      ['memory.file', s.file],
      ['memory.heap', s.heap],
      ['memory.anon.after_gc', s.anonAfterGc],
      ['memory.heap.after_gc', s.heapAfterGc],
    ];
    for (const [name, value] of series) if (value !== undefined) emit({ type: 'sample', suite, name, value, unit: 'bytes', attrs: common });
  };
}
