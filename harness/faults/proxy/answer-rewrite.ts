// HTTP-aware toxics: rewrite an OpenAI embeddings answer ({ data: [{ index, embedding }] }, the
// embedding a number array or base64 of little-endian float32, as the client asked). The body is
// parsed once, each toxic changes it, and it is written back in the encoding it came in.
import type { Prng } from '../../random.ts';
import type { ResolvedToxic } from './toxics.ts';

interface EmbeddingEntry {
  index?: number;
  embedding?: unknown;
  [key: string]: unknown;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function decode(embedding: unknown): Float32Array | undefined {
  if (Array.isArray(embedding)) return Float32Array.from(embedding as number[]);
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length % 4 !== 0) return undefined;
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }
  return undefined;
}

function encode(vector: Float32Array, like: unknown): unknown {
  return typeof like === 'string' ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector);
}

/**
 * `v` turned to cosine `c` of itself and scaled back to its own norm: v' = |v| (c v̂ + √(1−c²) u),
 * u a seeded random unit direction orthogonal to v̂.
 */
export function rotateToCosine(v: Float32Array, c: number, prng: Prng): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0 || v.length < 2) return v;
  const unit = Array.from(v, (x) => x / norm);
  let u = unit.map(() => prng.next() * 2 - 1);
  let dot = 0;
  for (let i = 0; i < u.length; i++) dot += u[i]! * unit[i]!;
  u = u.map((x, i) => x - dot * unit[i]!);
  let un = 0;
  for (const x of u) un += x * x;
  un = Math.sqrt(un);
  if (un === 0) return v;
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  return Float32Array.from(unit, (x, i) => norm * (c * x + (s * u[i]!) / un));
}

function resize(v: Float32Array, delta: number): Float32Array {
  const length = Math.max(0, v.length + delta);
  const out = new Float32Array(length);
  out.set(v.subarray(0, Math.min(length, v.length)));
  return out;
}

/** Toxics that change vectors or their count need a parsed body; the others work on bytes. */
function rewriteEntries(entries: EmbeddingEntry[], toxic: ResolvedToxic, prng: Prng): EmbeddingEntry[] {
  if (toxic.type === 'wrong_vector_count') {
    const delta = Math.trunc(toxic.a.delta!);
    if (delta < 0) return entries.slice(0, Math.max(0, entries.length + delta));
    const last = entries[entries.length - 1];
    if (!last) return entries;
    return [...entries, ...Array.from({ length: delta }, (_, k) => ({ ...last, index: entries.length + k }))];
  }
  return entries.map((entry) => {
    const v = decode(entry.embedding);
    if (!v) return entry;
    const changed = toxic.type === 'wrong_dimension' ? resize(v, Math.trunc(toxic.a.delta!)) : rotateToCosine(v, toxic.a.cosine!, prng);
    return { ...entry, embedding: encode(changed, entry.embedding) };
  });
}

/**
 * The answer with `toxics` applied (only answer toxics are passed here). Returns the names of the
 * toxics that changed it: a toxic on vectors leaves a non-JSON or non-embeddings answer alone.
 */
export function rewriteAnswer(answer: Answer, toxics: readonly ResolvedToxic[], prng: Prng): { answer: Answer; affected: string[] } {
  const affected: string[] = [];
  let { status, headers, body } = answer;
  const vectorToxics = toxics.filter((t) => t.type === 'wrong_vector_count' || t.type === 'wrong_dimension' || t.type === 'perturb_vectors');
  if (vectorToxics.length > 0 && status >= 200 && status < 300) {
    let parsed: { data?: EmbeddingEntry[] } | undefined;
    try {
      parsed = JSON.parse(body.toString('utf8')) as { data?: EmbeddingEntry[] };
    } catch {
      parsed = undefined;
    }
    if (parsed && Array.isArray(parsed.data)) {
      let entries = parsed.data;
      for (const t of vectorToxics) {
        entries = rewriteEntries(entries, t, prng);
        affected.push(t.name);
      }
      body = Buffer.from(JSON.stringify({ ...parsed, data: entries }), 'utf8');
    }
  }
  for (const t of toxics) {
    if (t.type === 'malformed_json') {
      body = body.subarray(0, Math.floor(body.length / 2));
      affected.push(t.name);
    } else if (t.type === 'wrong_content_type') {
      headers = { ...headers, 'content-type': 'text/html; charset=utf-8' };
      affected.push(t.name);
    }
  }
  return { answer: { status, headers, body }, affected };
}

/** The answer an http_5xx toxic gives instead of the upstream's. */
export function errorAnswer(toxic: ResolvedToxic): Answer {
  const status = Math.trunc(toxic.a.status!);
  const body = Buffer.from(JSON.stringify({ error: { message: `fault proxy: injected ${status}`, type: 'injected_fault' } }), 'utf8');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (toxic.a.retryAfter! >= 0) headers['retry-after'] = String(Math.ceil(toxic.a.retryAfter!));
  return { status, headers, body };
}
