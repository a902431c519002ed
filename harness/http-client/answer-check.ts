// Checks the answers a load phase receives, so a server that answers fast but wrongly cannot pass:
// the JSON shape of an OpenAI embeddings answer ({data: [{embedding, index}]}), one vector per
// input in input order, the expected dimension, finite values, unit norm when the model
// normalises, and the same text giving the same vector when it is sent again. Each invalid answer
// counts once, under the first reason it fails; vector faults use the names the retrieval
// suites' vector hygiene uses. Non-2xx answers are not checked here: they are already errors.
import { NORM_TOLERANCE, vectorFault, type VectorFault } from '../metrics/vector-hygiene.ts';

export type InvalidReason = 'content-type' | 'json' | 'shape' | 'count' | 'order' | VectorFault | 'inconsistent';
export const INVALID_REASONS: readonly InvalidReason[] = ['content-type', 'json', 'shape', 'count', 'order', 'wrong-dimension', 'non-finite', 'all-zero', 'norm-off', 'inconsistent'];

/**
 * The header embedgate's fault proxy (harness/faults/proxy) puts on an answer it rewrote on
 * purpose (malformed JSON, wrong content type, wrong vector count or dimension, perturbed
 * vectors). Such an answer is checked like any other, but what the checks find is the fault's
 * detection evidence, not a wrong answer the target served, so it is counted apart.
 */
export const REWRITTEN_HEADER = 'x-embedgate-fault-proxy';

/** A content type an OpenAI client parses as JSON (application/json, application/*+json). */
const JSON_CONTENT_TYPE = /^\s*application\/([\w.-]+\+)?json\s*(;|$)/i;

export interface AnswerCheckOptions {
  /** Share (0..1] of 2xx answers checked, evenly spaced. Default 1: all of them. */
  share?: number;
  /** Expected vector length. Default: the length of the first well-formed answer's first vector. */
  dimensions?: number;
  /** The model returns unit vectors: |norm − 1| above `normTolerance` is invalid. */
  normalised?: boolean;
  /** Default NORM_TOLERANCE (0.01), as for the retrieval suites' vectors. */
  normTolerance?: number;
  /** The same text must come back at a cosine of at least this. Default 0.999. */
  minCosine?: number;
  /** Texts whose first vector is kept to compare repeats with (oldest dropped first). Default 2048. */
  maxTexts?: number;
  /**
   * Where those first vectors are kept; give the same map to the checkers of consecutive phases so
   * a text answered differently in a later phase (a fault suite's windows) is still caught.
   */
  seenTexts?: SeenTexts;
}

/** First vector (and its norm) of each text seen, for the repeat check. */
export type SeenTexts = Map<string, { vector: Float32Array | Float64Array; norm: number }>;

export interface InvalidCounts {
  total: number;
  byReason: Partial<Record<InvalidReason, number>>;
}

/** Vectors of an embedding's `embedding` field: a number array, or base64 of little-endian float32. */
function decode(embedding: unknown): Float32Array | Float64Array | undefined {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
    // Copy: a Buffer from base64 is not guaranteed to sit on a 4-byte boundary.
    const out = new Float32Array(bytes.length / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if (Array.isArray(embedding)) {
    const out = new Float64Array(embedding.length);
    for (let i = 0; i < embedding.length; i++) {
      const x = embedding[i];
      if (typeof x !== 'number') return undefined;
      out[i] = x;
    }
    return out;
  }
  return undefined;
}

/** How one answer arrived: its content type, and whether the fault proxy rewrote it. */
export interface AnswerMeta {
  /** The content-type header; undefined when unknown (not judged then). */
  contentType?: string | undefined;
  /** Rewritten by the fault proxy: counted in `rewritten`, and its vectors never become a text's reference. */
  rewritten?: boolean;
}

export class AnswerChecker {
  checked = 0;
  readonly invalid: InvalidCounts = { total: 0, byReason: {} };
  /** Answers the fault proxy rewrote, checked apart: `caught` of them the checks found wrong. */
  readonly rewritten: { checked: number; caught: number; byReason: Partial<Record<InvalidReason, number>> } = { checked: 0, caught: 0, byReason: {} };
  /** Time spent checking, in ms (synchronous work on this thread). */
  ms = 0;
  private seen = 0;
  private dimensions: number | undefined;
  private readonly share: number;
  private readonly first: SeenTexts;

  constructor(private readonly o: AnswerCheckOptions = {}) {
    this.share = o.share ?? 1;
    if (!(this.share >= 0 && this.share <= 1)) throw new Error(`answer check: share ${this.share}: expected a number from 0 to 1`);
    this.dimensions = o.dimensions;
    this.first = o.seenTexts ?? new Map();
  }

  /** Whether the next 2xx answer is one of the checked share (evenly spaced). */
  wants(): boolean {
    const n = ++this.seen;
    return this.share >= 1 || Math.floor(n * this.share) > Math.floor((n - 1) * this.share);
  }

  /**
   * Checks one 2xx answer body against the inputs of its request (undefined when they are not
   * known: count, order and repeats are then not checked). Returns the reason it is invalid.
   */
  check(body: string, inputs: readonly string[] | undefined, meta: AnswerMeta = {}): InvalidReason | undefined {
    const started = performance.now();
    const reason = meta.contentType !== undefined && !JSON_CONTENT_TYPE.test(meta.contentType) ? 'content-type' : this.reason(body, inputs, !meta.rewritten);
    return this.count(reason, started, meta);
  }

  /**
   * Like check, for an answer that arrived already parsed in the shape of an OpenAI embeddings
   * answer ({data: [{embedding, index}]}): an MCP tool result, read through the target's mapping.
   */
  checkParsed(parsed: unknown, inputs: readonly string[] | undefined): InvalidReason | undefined {
    const started = performance.now();
    return this.count(this.reasonOf(parsed, inputs, true), started, {});
  }

  private count(reason: InvalidReason | undefined, started: number, meta: AnswerMeta): InvalidReason | undefined {
    this.ms += performance.now() - started;
    if (meta.rewritten) {
      this.rewritten.checked++;
      if (reason) {
        this.rewritten.caught++;
        this.rewritten.byReason[reason] = (this.rewritten.byReason[reason] ?? 0) + 1;
      }
      return reason;
    }
    this.checked++;
    if (reason) {
      this.invalid.total++;
      this.invalid.byReason[reason] = (this.invalid.byReason[reason] ?? 0) + 1;
    }
    return reason;
  }

  private reason(body: string, inputs: readonly string[] | undefined, remember: boolean): InvalidReason | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return 'json';
    }
    return this.reasonOf(parsed, inputs, remember);
  }

  private reasonOf(parsed: unknown, inputs: readonly string[] | undefined, remember: boolean): InvalidReason | undefined {
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) return 'shape';
    if (inputs && data.length !== inputs.length) return 'count';
    const vectors: (Float32Array | Float64Array)[] = [];
    for (let i = 0; i < data.length; i++) {
      const item = data[i] as { embedding?: unknown; index?: unknown } | null;
      if (typeof item !== 'object' || item === null) return 'shape';
      const v = decode(item.embedding);
      if (!v) return 'shape';
      if (item.index !== i) return typeof item.index === 'number' ? 'order' : 'shape';
      vectors.push(v);
    }
    const norms: number[] = [];
    for (const v of vectors) {
      this.dimensions ??= v.length;
      const fault = vectorFault(v, this.dimensions);
      if (fault) return fault;
      let sum = 0;
      for (let k = 0; k < v.length; k++) sum += v[k]! * v[k]!;
      const norm = Math.sqrt(sum);
      if (this.o.normalised && Math.abs(norm - 1) > (this.o.normTolerance ?? NORM_TOLERANCE)) return 'norm-off';
      norms.push(norm);
    }
    if (!inputs) return undefined;
    const minCosine = this.o.minCosine ?? 0.999;
    const maxTexts = this.o.maxTexts ?? 2048;
    for (let i = 0; i < vectors.length; i++) {
      const text = inputs[i]!;
      const v = vectors[i]!;
      const before = this.first.get(text);
      if (!before) {
        if (maxTexts <= 0 || !remember) continue;
        if (this.first.size >= maxTexts) this.first.delete(this.first.keys().next().value!);
        this.first.set(text, { vector: v, norm: norms[i]! });
        continue;
      }
      let dot = 0;
      for (let k = 0; k < v.length; k++) dot += v[k]! * before.vector[k]!;
      const cosine = before.norm > 0 && norms[i]! > 0 ? dot / (before.norm * norms[i]!) : before.norm === norms[i] ? 1 : 0;
      if (cosine < minCosine) return 'inconsistent';
    }
    return undefined;
  }
}

/** The inputs of a request body ({input: string | string[]}), or undefined when it has none. */
export function inputsOfBody(body: string): readonly string[] | undefined {
  try {
    const input = (JSON.parse(body) as { input?: unknown } | null)?.input;
    if (typeof input === 'string') return [input];
    if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input as string[];
  } catch {
    // not JSON: nothing to compare the answer with
  }
  return undefined;
}
