// Corrupts cache entries of an `embedgate serve` from outside, through the fault-injection route it
// answers only when started with --fault-injection. The server's CRC check must then drop every
// corrupted entry (embedgate_cache_corrupt_total counts them) and never serve one.
export type CorruptOutcome = { ok: true; corrupted: number; entries: number } | { ok: false; reason: string };

export async function corruptCacheEntries(url: string, count: number): Promise<CorruptOutcome> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/+$/, '')}/debug/faults/corrupt-cache?count=${count}`, { method: 'POST', signal: AbortSignal.timeout(3000) });
  } catch (err) {
    return { ok: false, reason: `POST /debug/faults/corrupt-cache: ${(err as Error).message}` };
  }
  const text = await res.text();
  if (res.status === 404) return { ok: false, reason: 'the server has no fault-injection route (start embedgate serve with --fault-injection; other servers cannot be corrupted from outside)' };
  if (!res.ok) return { ok: false, reason: `POST /debug/faults/corrupt-cache answered ${res.status}: ${text.slice(0, 200)}` };
  const body = JSON.parse(text) as { corrupted: number; entries: number; cache: string };
  if (body.cache === 'off') return { ok: false, reason: 'the server runs without a cache (cacheMb: 0): nothing to corrupt' };
  if (body.corrupted === 0) return { ok: false, reason: `no cache entry to corrupt (${body.entries} held)` };
  return { ok: true, corrupted: body.corrupted, entries: body.entries };
}
