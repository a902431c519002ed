// Before the windows: every distinct text of the load is sent once, so the target's cache holds
// the load's working set when the measured run starts. Otherwise the cache filling (a few MB,
// bounded by the distinct texts) would read as memory growth in a short run, and first sightings
// of texts as cache misses. Not measured: the windows are.
export interface PrimeResult {
  sent: number;
  ok: number;
  failed: number;
  ms: number;
}

export async function primeTexts(url: string, bodies: readonly string[], connections: number, timeoutMs: number, signal: AbortSignal): Promise<PrimeResult> {
  const started = performance.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  const worker = async () => {
    while (next < bodies.length && !signal.aborted) {
      const body = bodies[next++]!;
      try {
        const res = await fetch(`${url}/v1/embeddings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        await res.arrayBuffer();
        if (res.ok) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(connections, bodies.length)) }, worker));
  return { sent: ok + failed, ok, failed, ms: performance.now() - started };
}

/** One body per distinct input of the load, in the load's own body format. */
export function primeBodies(inputs: readonly string[], model: string): string[] {
  return [...new Set(inputs)].map((input) => JSON.stringify({ model, input, encoding_format: 'base64' }));
}
