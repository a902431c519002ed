// The embedding store the swarm writes into. Every entry carries a checksum of its payload and
// the sha256 of the model that made it. Writes are put-if-absent and fenced by coordinator epoch,
// so a task is stored once and a deposed coordinator cannot write. verify() is the end-of-run
// check: complete, uncorrupted, and one model only (vectors of two models in one store are a
// known silent failure of model switches).
import { createHash } from 'node:crypto';
import { hashString } from '../../random.ts';

export type Payload = { kind: 'digest'; digest: number } | { kind: 'vectors'; vectors: Float32Array[] };

export interface StoreEntry {
  key: string;
  epoch: number;
  /** sha256 (or simulated identity) of the model that made the payload. */
  model: string;
  payload: Payload;
  checksum: string;
  committedBy: string;
  committedAt: number;
}

export type CommitOutcome = 'accepted' | 'duplicate' | 'fenced';

export interface CommitAttempt {
  key: string;
  epoch: number;
  at: number;
  outcome: CommitOutcome;
}

export interface StoreVerification {
  expected: number;
  present: number;
  missing: string[];
  corrupted: string[];
  unexpected: string[];
  /** Entries per model identity. */
  models: Record<string, number>;
  /** Entries made by a model other than the expected one. */
  wrongModel: number;
  mixed: boolean;
}

/** sha256 over the vectors' bytes; a simulated digest gets a cheap 32-bit mix (a day scrubs it ~10^6 times). */
export function checksumOf(payload: Payload): string {
  if (payload.kind === 'digest') return `d${hashString(String(payload.digest), 0x2545f491).toString(16)}`;
  const hash = createHash('sha256');
  for (const v of payload.vectors) hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return hash.digest('hex');
}

export class EmbeddingStore {
  private readonly entries = new Map<string, StoreEntry>();
  readonly attempts: CommitAttempt[] = [];
  private minEpoch = 0;
  /**
   * Simulated-digest payloads known to match their checksum. They are frozen on commit and
   * corruption replaces the payload object, so a verified one stays verified: the scrub, run every
   * minute of a simulated day, then re-hashes only what changed. Vectors are always re-hashed
   * (their bytes can change in place).
   */
  private readonly intact = new WeakSet<Payload>();
  reverted = false;

  commit(entry: Omit<StoreEntry, 'checksum'>): CommitOutcome {
    let outcome: CommitOutcome;
    if (entry.epoch < this.minEpoch || this.reverted) outcome = 'fenced';
    else if (this.entries.has(entry.key)) outcome = 'duplicate';
    else {
      outcome = 'accepted';
      this.entries.set(entry.key, { ...entry, checksum: checksumOf(entry.payload) });
      if (entry.payload.kind === 'digest') this.intact.add(Object.freeze(entry.payload));
    }
    this.attempts.push({ key: entry.key, epoch: entry.epoch, at: entry.committedAt, outcome });
    return outcome;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): StoreEntry | undefined {
    return this.entries.get(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  /** The highest epoch fenced so far: a coordinator taking over picks one above it. */
  get epochFloor(): number {
    return this.minEpoch;
  }

  /** From now on, writes from coordinators of an older epoch are refused. */
  fence(epoch: number): void {
    this.minEpoch = Math.max(this.minEpoch, epoch);
  }

  /** Fault injection: flips bits of the entry at `index` (in key order); returns its key. */
  corrupt(index: number): string | undefined {
    const keys = [...this.entries.keys()].sort();
    if (keys.length === 0) return undefined;
    const key = keys[index % keys.length]!;
    const entry = this.entries.get(key)!;
    // Flipping the same bits twice would restore the entry: a corrupted entry stays corrupted.
    if (checksumOf(entry.payload) !== entry.checksum) return key;
    const payload: Payload =
      entry.payload.kind === 'digest'
        ? { kind: 'digest', digest: (entry.payload.digest ^ 0x5a5a) >>> 0 }
        : { kind: 'vectors', vectors: entry.payload.vectors.map((v, i) => (i === 0 ? flipFirst(v) : v)) };
    this.entries.set(key, { ...entry, payload });
    return key;
  }

  /** Keys whose payload no longer matches its checksum. */
  scrub(): string[] {
    const bad: string[] = [];
    for (const entry of this.entries.values()) {
      if (this.intact.has(entry.payload)) continue;
      if (checksumOf(entry.payload) !== entry.checksum) bad.push(entry.key);
      else if (entry.payload.kind === 'digest') this.intact.add(Object.freeze(entry.payload));
    }
    return bad.sort();
  }

  /** Rollback: the new model's entries are abandoned and the old index serves again. */
  revert(): void {
    this.reverted = true;
  }

  verify(expectedKeys: readonly string[], expectedModel: string): StoreVerification {
    const expected = new Set(expectedKeys);
    const models: Record<string, number> = {};
    let wrongModel = 0;
    for (const entry of this.entries.values()) {
      models[entry.model] = (models[entry.model] ?? 0) + 1;
      if (entry.model !== expectedModel) wrongModel++;
    }
    return {
      expected: expected.size,
      present: [...expected].filter((k) => this.entries.has(k)).length,
      missing: [...expected].filter((k) => !this.entries.has(k)).sort(),
      corrupted: this.scrub(),
      unexpected: [...this.entries.keys()].filter((k) => !expected.has(k)).sort(),
      models,
      wrongModel,
      mixed: Object.keys(models).length > 1,
    };
  }
}

function flipFirst(v: Float32Array): Float32Array {
  const copy = new Float32Array(v);
  const bytes = new Uint8Array(copy.buffer);
  bytes[0] = bytes[0]! ^ 0xff;
  return copy;
}
