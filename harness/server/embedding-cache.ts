// An LRU of embeddings keyed by (model sha256, prefix, text), bounded by bytes. Every entry
// carries a CRC-32 of its vector and token count, checked on every read: a corrupted entry (bad
// RAM, a bug writing into a shared buffer) is counted, dropped and reported as a miss so the
// caller recomputes it. It is never served.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export interface CachedEmbedding {
  vector: Float32Array;
  tokens: number;
}

interface Entry extends CachedEmbedding {
  checksum: number;
  bytes: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  corrupt: number;
  evictions: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** Key and text overhead aside, what an entry costs: its vector plus a fixed allowance. */
const ENTRY_OVERHEAD_BYTES = 160;

function checksumOf(vector: Float32Array, tokens: number): number {
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  return crc32(bytes, tokens >>> 0);
}

export class EmbeddingCache {
  // Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  private readonly map = new Map<string, Entry>();
  private stats = { hits: 0, misses: 0, corrupt: 0, evictions: 0, bytes: 0 };

  constructor(
    readonly modelSha256: string,
    readonly maxBytes: number,
    /**
     * Check each entry's CRC on read. Only a test turns this off, to show that a server that does
     * not check serves corrupted vectors (and that the fault suite catches it).
     */
    private readonly verify = true,
  ) {}

  /** sha256 of the three parts, length-prefixed so that ("a","bc") and ("ab","c") differ. */
  key(prefix: string, text: string): string {
    const h = createHash('sha256');
    for (const part of [this.modelSha256, prefix, text]) h.update(`${Buffer.byteLength(part)}:`).update(part);
    return h.digest('base64');
  }

  get(key: string): CachedEmbedding | undefined {
    const entry = this.map.get(key);
    if (!entry) {
      this.stats.misses++;
      return undefined;
    }
    this.map.delete(key);
    if (this.verify && checksumOf(entry.vector, entry.tokens) !== entry.checksum) {
      this.stats.corrupt++;
      this.stats.misses++;
      this.stats.bytes -= entry.bytes;
      return undefined;
    }
    this.map.set(key, entry);
    this.stats.hits++;
    // A copy: callers (dimension truncation) must not be able to change what the cache holds.
    return { vector: entry.vector.slice(), tokens: entry.tokens };
  }

  set(key: string, value: CachedEmbedding): void {
    const bytes = value.vector.byteLength + key.length * 2 + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxBytes) return;
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      this.stats.bytes -= old.bytes;
    }
    const vector = value.vector.slice();
    this.map.set(key, { vector, tokens: value.tokens, checksum: checksumOf(vector, value.tokens), bytes });
    this.stats.bytes += bytes;
    while (this.stats.bytes > this.maxBytes) {
      const [lruKey, lru] = this.map.entries().next().value as [string, Entry];
      this.map.delete(lruKey);
      this.stats.bytes -= lru.bytes;
      this.stats.evictions++;
    }
  }

  snapshot(): CacheStats {
    return { ...this.stats, entries: this.map.size, maxBytes: this.maxBytes };
  }

  /** Fault injection for tests and the fault suite: flips one bit of an entry's stored vector. */
  corruptForTesting(key: string): boolean {
    const entry = this.map.get(key);
    if (!entry || entry.vector.length === 0) return false;
    new Uint8Array(entry.vector.buffer, entry.vector.byteOffset, entry.vector.byteLength)[0]! ^= 0x01;
    return true;
  }

  /**
   * Fault injection from outside (serve --fault-injection): flips the high exponent bit of the
   * first component of up to `count` entries, most recently used first (those are the ones a
   * client is about to ask for again). A checked read drops them; an unchecked one would serve a
   * vector off by a factor of about 2^64. Returns how many entries were corrupted.
   */
  corruptRecent(count: number): number {
    const keys = [...this.map.keys()].reverse().slice(0, Math.max(0, count));
    let done = 0;
    for (const key of keys) {
      const entry = this.map.get(key)!;
      if (entry.vector.length === 0) continue;
      new Uint8Array(entry.vector.buffer, entry.vector.byteOffset, 4)[3]! ^= 0x40;
      done++;
    }
    return done;
  }
}
