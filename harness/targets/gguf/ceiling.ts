// The in-process ceiling: the throughput of the gguf worker's pool of contexts with no HTTP in the
// way, measured on one engine, node-llama-cpp in process. It is that engine's limit, not the
// machine's: llama.cpp's own server runs the same model on the same cores faster (it decodes many
// sequences per batch; a node-llama-cpp embedding context decodes one), which is why a load suite
// can name a `reference:` server beside it. Sequential is one text, one call in flight. The ceiling keeps every context
// busy: it tries single-text calls (four in flight per context) and batched calls (two in flight,
// one or two texts per context each: what embedgate serve's queue sends over IPC), then measures
// the best of them once more for its figure.
// On 2 cores a pool gives about 2x sequential, never more: that ratio is measured, not assumed.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { CeilingOptions, CeilingResult } from '../target.ts';

/** node-llama-cpp's version, read from its package.json (its exports hide the file from require; never load the addon here). */
const NODE_LLAMA_CPP_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../../node_modules/node-llama-cpp/package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '(version unknown)';
  }
})();

/** What the ceiling drives: the gguf target's pool of contexts, called in process. */
export interface CeilingSubject {
  embed(texts: string[]): Promise<Float32Array[]>;
  readonly facts: { contexts: number; threads: number; llamaCppRelease?: string };
}

/** Which engine a ceiling measured, in words a report can show. */
export function ceilingEngine(facts: CeilingSubject['facts']): string {
  return `node-llama-cpp ${NODE_LLAMA_CPP_VERSION}${facts.llamaCppRelease ? ` (llama.cpp ${facts.llamaCppRelease})` : ''} in process, ${facts.contexts} context(s) × ${facts.threads} thread(s)`;
}

/** Closed loop: `concurrency` callers each embedding `batch` texts per call for `ms`; texts per second. */
async function closedLoop(target: CeilingSubject, texts: readonly string[], start: number, concurrency: number, batch: number, ms: number, signal?: AbortSignal): Promise<{ rps: number; done: number }> {
  let next = start;
  let done = 0;
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && !signal?.aborted) {
        await target.embed(Array.from({ length: batch }, () => texts[next++ % texts.length]!));
        done += batch;
      }
    }),
  );
  return { rps: (done * 1000) / (performance.now() - started), done };
}

export async function measureCeiling(target: CeilingSubject, texts: readonly string[], opts: CeilingOptions): Promise<CeilingResult> {
  const from = opts.searchFrom ?? 0;
  for (let i = 0; i < (opts.warmup ?? 16); i++) await target.embed([texts[(from + i) % texts.length]!]);
  const contexts = target.facts.contexts;
  const seq = await closedLoop(target, texts, from, 1, 1, opts.durationMs, opts.signal);
  let next = from + seq.done;
  const tried: CeilingResult['tried'] = [];
  for (const [concurrency, batch] of [[Math.max(8, 4 * contexts), 1], [2, contexts], [2, 2 * contexts]] as const) {
    const r = await closedLoop(target, texts, next, concurrency, batch, opts.durationMs, opts.signal);
    next += r.done;
    tried.push({ concurrency, batch, rps: r.rps });
  }
  const best = tried.reduce((a, b) => (b.rps > a.rps ? b : a));
  // The best of several noisy measurements is biased upwards (the winner's curse): pick the way of
  // calling from them, then measure it again for the figure the ceiling reports.
  const confirm = await closedLoop(target, texts, opts.confirmFrom ?? next, best.concurrency, best.batch, opts.confirmMs ?? opts.durationMs, opts.signal);
  return { sequentialRps: seq.rps, ceilingRps: confirm.rps, selectedRps: best.rps, concurrency: best.concurrency, batch: best.batch, tried, contexts, threads: target.facts.threads, engine: ceilingEngine(target.facts), embeddings: next - from + confirm.done };
}
