// The environment that preloads the heap probe into a Node process (and the Node processes it
// starts): given to a child's spawn options, never set on this process.
import { fileURLToPath } from 'node:url';

export const HEAP_PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));

/** NODE_OPTIONS and the probe directory that make a Node process (and its children) report its heap. */
export function heapProbeEnv(dir: string, env: NodeJS.ProcessEnv = process.env, gcEveryMs?: number): NodeJS.ProcessEnv {
  const existing = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ` : '';
  return {
    ...env,
    NODE_OPTIONS: `${existing}--import ${HEAP_PROBE}`,
    EMBEDGATE_HEAP_PROBE_DIR: dir,
    ...(gcEveryMs !== undefined ? { EMBEDGATE_HEAP_PROBE_GC_MS: String(gcEveryMs) } : {}),
  };
}
