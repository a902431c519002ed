// The toxics a fault proxy applies, and their validation. TCP-level toxics keep Toxiproxy's names
// and attributes (https://github.com/Shopify/toxiproxy#toxics) so a Toxiproxy user recognises them;
// the HTTP-aware ones rewrite an OpenAI embeddings answer. Unlike Toxiproxy, toxicity is drawn per
// HTTP request, not per connection: load generators keep connections alive, so a per-connection
// draw would make a 2 % toxicity hit every request of a few connections and none of the others.
export type ToxicType =
  | 'latency' // { latency ms, jitter ms }: delay the data
  | 'bandwidth' // { rate KB/s }: limit the data rate
  | 'reset_peer' // { timeout ms }: reset the connection (RST) that long after the request arrived
  | 'timeout' // { timeout ms }: pass no data, close after timeout; 0 holds the connection forever
  | 'slow_close' // { delay ms }: delay the proxy's closing of the connection
  | 'limit_data' // { bytes }: close the connection once that many bytes went through it
  | 'http_5xx' // { status, retryAfter? }: answer with that status instead of the upstream's answer
  | 'malformed_json' // the upstream's body cut in half: not JSON any more
  | 'wrong_content_type' // the upstream's body served as text/html
  | 'wrong_vector_count' // { delta }: that many embeddings more (or fewer, negative) than inputs
  | 'wrong_dimension' // { delta }: each vector that much longer (zeros) or shorter
  | 'perturb_vectors' // { cosine }: each vector rotated to that cosine of itself, same norm
  | 'drop' // read the request, close the connection, no answer
  | 'stop_answering'; // read the request, never reply

export const TOXIC_TYPES: readonly ToxicType[] = [
  'latency', 'bandwidth', 'reset_peer', 'timeout', 'slow_close', 'limit_data',
  'http_5xx', 'malformed_json', 'wrong_content_type', 'wrong_vector_count', 'wrong_dimension', 'perturb_vectors', 'drop', 'stop_answering',
];

/**
 * One toxic. Every type also takes `attributes.after` (default 0): it spares the first `after`
 * requests through the proxy, e.g. "stops answering after N requests".
 */
export interface Toxic {
  name?: string;
  type: ToxicType;
  /** upstream: client to server (the request); downstream (default): server to client (the answer). */
  stream?: 'upstream' | 'downstream';
  /** Share of requests affected, 0..1, default 1. */
  toxicity?: number;
  attributes?: Record<string, number | string>;
}

/** A toxic with its defaults filled in, as the proxy applies it. */
export interface ResolvedToxic {
  name: string;
  type: ToxicType;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  after: number;
  /** Numeric attributes with defaults. */
  a: Record<string, number>;
}

/** Numeric attributes each type reads, with their defaults and lowest allowed values. */
const ATTRIBUTES: Record<ToxicType, Record<string, { default: number; min: number; max?: number }>> = {
  latency: { latency: { default: 0, min: 0 }, jitter: { default: 0, min: 0 } },
  bandwidth: { rate: { default: Number.NaN, min: 0.001 } },
  reset_peer: { timeout: { default: 0, min: 0 } },
  timeout: { timeout: { default: 0, min: 0 } },
  slow_close: { delay: { default: 0, min: 0 } },
  limit_data: { bytes: { default: 0, min: 0 } },
  http_5xx: { status: { default: 503, min: 500, max: 599 }, retryAfter: { default: -1, min: 0 } },
  malformed_json: {},
  wrong_content_type: {},
  wrong_vector_count: { delta: { default: -1, min: -Infinity } },
  wrong_dimension: { delta: { default: -1, min: -Infinity } },
  perturb_vectors: { cosine: { default: 0.997, min: -1, max: 1 } },
  drop: {},
  stop_answering: {},
};

/** Toxics that act on the answer, so they act downstream whatever `stream` says. */
export const ANSWER_TOXICS = new Set<ToxicType>(['http_5xx', 'malformed_json', 'wrong_content_type', 'wrong_vector_count', 'wrong_dimension', 'perturb_vectors']);

export class ToxicError extends Error {
  override readonly name = 'ToxicError';
}

/** Fills in defaults; a wrong type, stream, toxicity or attribute throws, naming `toxics[i].field`. */
export function resolveToxics(toxics: readonly Toxic[]): ResolvedToxic[] {
  const names = new Set<string>();
  return toxics.map((t, i) => {
    const at = `toxics[${i}]`;
    if (!TOXIC_TYPES.includes(t.type)) throw new ToxicError(`${at}.type: unknown toxic "${String(t.type)}"; one of ${TOXIC_TYPES.join(', ')}`);
    const stream = t.stream ?? 'downstream';
    if (stream !== 'upstream' && stream !== 'downstream') throw new ToxicError(`${at}.stream: "${String(stream)}" is neither upstream nor downstream`);
    const toxicity = t.toxicity ?? 1;
    if (!(toxicity >= 0 && toxicity <= 1)) throw new ToxicError(`${at}.toxicity: ${toxicity} is not a share from 0 to 1`);
    const name = t.name ?? `${t.type}_${stream}`;
    if (names.has(name)) throw new ToxicError(`${at}.name: "${name}" is used twice; give each toxic its own name`);
    names.add(name);
    const known: Record<string, { default: number; min: number; max?: number }> = { ...ATTRIBUTES[t.type], after: { default: 0, min: 0 } };
    const a: Record<string, number> = {};
    for (const [key, spec] of Object.entries(known)) a[key] = spec.default;
    // A default of NaN marks an attribute without a sensible default: bandwidth's rate.
    for (const [key, raw] of Object.entries(t.attributes ?? {})) {
      const spec = known[key];
      if (!spec) throw new ToxicError(`${at}.attributes.${key}: ${t.type} has no attribute "${key}"; it takes ${Object.keys(known).join(', ')}`);
      const v = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(v) || v < spec.min || (spec.max !== undefined && v > spec.max)) {
        throw new ToxicError(`${at}.attributes.${key}: ${String(raw)} is not a number from ${spec.min} to ${spec.max ?? 'any'}`);
      }
      a[key] = v;
    }
    for (const [key, v] of Object.entries(a)) {
      if (Number.isNaN(v)) throw new ToxicError(`${at}.attributes.${key}: ${t.type} needs it (e.g. attributes: { ${key}: 100 })`);
    }
    return { name, type: t.type, stream, toxicity, after: a.after!, a };
  });
}
