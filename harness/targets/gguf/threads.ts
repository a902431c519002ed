// Chooses contexts × threads for the GGUF embedder from the cores this process can really use.
//
// Why this exists: node-llama-cpp's default gives every context max(cpuMathCores, 4) threads.
// On a 2-core machine that oversubscribes the cores and ggml's threads spin at their barriers:
// a tiny BERT went from 0.7 ms to 390 ms per embedding. One thread per context never hits a
// barrier, and a pool of such contexts uses the cores in parallel. Measured on 2 cores with a
// small BERT (embeddings/s): 1×1 297, 1×2 99, 2×1 487, 4×1 583.
import { detectCores, type CoreCount } from '../../machine.ts';

export { detectCores, readCgroupCpuQuota, type CoreCount } from '../../machine.ts';

export interface ThreadChoice {
  /** Embedding contexts in the pool (concurrent evaluations). */
  contexts: number;
  /** Threads per context. */
  threads: number;
  cores: CoreCount;
  /** One sentence a reader can check: why these numbers. */
  reason: string;
  source: 'policy' | 'option' | 'env';
}

export interface ThreadOverrides {
  threads?: number;
  contexts?: number;
}

/** Files above this are "large": a context costs real memory and compute dominates, so no extra contexts. */
export const LARGE_MODEL_BYTES = 1024 ** 3;
/** libuv's default pool is 4 threads; the worker raises it, but keep the pool small and explainable. */
export const MAX_CONTEXTS = 8;

function parseCount(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(`${name}=${JSON.stringify(value)} is not a whole number from 1 to 256; unset it or give e.g. ${name}=1`);
  }
  return n;
}

/** EMBEDGATE_THREADS / EMBEDGATE_CONTEXTS, validated. Throws with the variable's name on a bad value. */
export function envOverrides(env: NodeJS.ProcessEnv = process.env): ThreadOverrides {
  const out: ThreadOverrides = {};
  const threads = parseCount(env.EMBEDGATE_THREADS, 'EMBEDGATE_THREADS');
  const contexts = parseCount(env.EMBEDGATE_CONTEXTS, 'EMBEDGATE_CONTEXTS');
  if (threads !== undefined) out.threads = threads;
  if (contexts !== undefined) out.contexts = contexts;
  return out;
}

/**
 * Policy: one thread per context, and a pool sized to the cores. Small models get twice as many
 * contexts as cores, because between two evaluations a context spends time in JS and IPC and
 * a spare context keeps the core busy (2×1 → 4×1 was +20 % on 2 cores). Large models get one
 * context per core: compute dominates and each extra context holds its own KV cache.
 * Options win over the environment, which wins over the policy; each field independently.
 */
export function chooseThreads(
  input: { modelBytes?: number; options?: ThreadOverrides; env?: NodeJS.ProcessEnv; cores?: CoreCount } = {},
): ThreadChoice {
  const cores = input.cores ?? detectCores();
  const env = envOverrides(input.env ?? process.env);
  const opt = input.options ?? {};
  for (const [k, v] of Object.entries(opt)) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new Error(`option ${k}=${String(v)} is not a whole number ≥ 1; leave it out to let embedgate choose from ${cores.cores} core(s)`);
    }
  }
  const large = (input.modelBytes ?? 0) >= LARGE_MODEL_BYTES;
  const policyContexts = Math.min(MAX_CONTEXTS, large ? cores.cores : cores.cores * 2);
  const coreText = describeCores(cores);

  const threads = opt.threads ?? env.threads ?? 1;
  const contexts = opt.contexts ?? env.contexts ?? policyContexts;
  const source: ThreadChoice['source'] =
    opt.threads !== undefined || opt.contexts !== undefined ? 'option' : env.threads !== undefined || env.contexts !== undefined ? 'env' : 'policy';

  let reason: string;
  if (source === 'policy') {
    reason =
      `${coreText}: 1 thread per context (more threads spin at ggml barriers on few cores), ` +
      `${contexts} context(s) = ${large ? '1 per core (large model: compute-bound, each context holds a KV cache)' : '2 per core (small model: a spare context hides JS/IPC gaps)'}` +
      (contexts < (large ? cores.cores : cores.cores * 2) ? `, capped at ${MAX_CONTEXTS}` : '');
  } else {
    const from = (field: 'threads' | 'contexts') =>
      opt[field] !== undefined ? 'option' : env[field] !== undefined ? `EMBEDGATE_${field.toUpperCase()}` : 'policy';
    reason = `${coreText}: threads=${threads} (${from('threads')}), contexts=${contexts} (${from('contexts')})`;
    if (threads * contexts > cores.cores && threads > 1) {
      reason += `; warning: ${threads * contexts} threads on ${cores.cores} core(s) oversubscribes, multi-threaded contexts will spin`;
    }
  }
  return { contexts, threads, cores, reason, source };
}

function describeCores(c: CoreCount): string {
  if (c.cgroupQuota === undefined) return `${c.cores} core(s) available`;
  return `${c.cores} core(s) usable (availableParallelism ${c.availableParallelism}, cgroup cpu.max quota ${c.cgroupQuota.toFixed(2)})`;
}
