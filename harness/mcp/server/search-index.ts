// The `search` tool's index: every document of the corpus embedded once, at start, through the
// same embed service (queue, cache, worker) as POST /v1/embeddings, with the model's document
// prefix; a query is embedded with the query prefix and ranked by cosine similarity.
import type { BeirDocument } from '../../datasets/beir.ts';
import { ApiError } from '../../server/api-error.ts';
import type { EmbedService } from '../../server/embed-service.ts';

/** Documents per embed call while building: small enough to leave the queue to clients meanwhile. */
const BUILD_BATCH = 32;
/** How many build batches are queued at once (enough to keep every context busy). */
const BUILD_PARALLEL = 2;

/** Batch size and lanes that take at most half of the queue (--queue may be small), so clients still get in. */
export function buildPlan(queueCapacity: number): { batch: number; lanes: number } {
  const half = Math.max(1, Math.floor(queueCapacity / 2));
  const batch = Math.max(1, Math.min(BUILD_BATCH, Math.floor(half / BUILD_PARALLEL)));
  return { batch, lanes: half >= 2 * batch ? BUILD_PARALLEL : 1 };
}
const SNIPPET_CHARS = 200;

export type IndexState = 'waiting' | 'building' | 'ready' | 'failed';

export interface IndexStatus {
  state: IndexState;
  corpus: string;
  documents: number;
  embedded: number;
  /** Documents left out: longer than the context with overflow=error, or refused otherwise. */
  skipped: number;
  seconds?: number;
  error?: string;
}

export interface Hit {
  id: string;
  score: number;
  snippet: string;
}

export class SearchIndex {
  private state: IndexState = 'waiting';
  private vectors: Float32Array[] = [];
  private ids: string[] = [];
  private snippets: string[] = [];
  private embedded = 0;
  private skipped = 0;
  private seconds: number | undefined;
  private error: string | undefined;
  private firstSkip: string | undefined;

  constructor(
    private readonly service: EmbedService,
    private readonly corpus: { name: string; documents: BeirDocument[] },
    private readonly prefixes: { query: string; document: string },
  ) {}

  status(): IndexStatus {
    return {
      state: this.state,
      corpus: this.corpus.name,
      documents: this.corpus.documents.length,
      embedded: this.embedded,
      skipped: this.skipped,
      ...(this.seconds !== undefined ? { seconds: Math.round(this.seconds * 100) / 100 } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Embeds the corpus; resolves with the status (never rejects: a failed build is a state). */
  async build(signal: AbortSignal, log?: (line: string) => void): Promise<IndexStatus> {
    this.state = 'building';
    const started = performance.now();
    const docs = this.corpus.documents;
    const slots = new Array<Float32Array | undefined>(docs.length);
    const { batch, lanes } = buildPlan(this.service.queue.capacity);
    let next = 0;
    const lane = async () => {
      while (next < docs.length && !signal.aborted) {
        const from = next;
        next = Math.min(docs.length, next + batch);
        await this.embedRange(docs, from, next, slots, signal);
      }
    };
    try {
      await Promise.all(Array.from({ length: lanes }, lane));
      if (signal.aborted) throw new Error('the server stopped while the index was being built');
      slots.forEach((v, i) => {
        if (!v) return;
        this.vectors.push(v);
        this.ids.push(docs[i]!.id);
        this.snippets.push(docs[i]!.text.slice(0, SNIPPET_CHARS));
      });
      if (this.vectors.length === 0) throw new Error(`none of the ${docs.length} documents could be embedded (${this.firstSkip ?? 'no reason given'})`);
      this.state = 'ready';
    } catch (err) {
      this.state = 'failed';
      this.error = (err as Error).message;
    }
    this.seconds = (performance.now() - started) / 1000;
    const s = this.status();
    if (s.state === 'ready') {
      log?.(`mcp: search index ready: ${s.embedded} of ${s.documents} documents of ${s.corpus} in ${s.seconds} s${s.skipped ? `, ${s.skipped} skipped (first: ${this.firstSkip})` : ''}`);
    } else log?.(`mcp: search index failed after ${s.seconds} s: ${s.error}`);
    return s;
  }

  /** One batch; a batch refused for one document's sake (too long) is retried one document at a time. */
  private async embedRange(docs: BeirDocument[], from: number, to: number, slots: (Float32Array | undefined)[], signal: AbortSignal): Promise<void> {
    const texts = docs.slice(from, to).map((d) => this.prefixes.document + d.text);
    try {
      // No signal to embed(): each call would add an abort listener to the one long-lived build
      // signal; the lanes check it between batches instead.
      const r = await this.withRetry(() => this.service.embed(texts), signal);
      r.vectors.forEach((v, i) => (slots[from + i] = unit(v)));
      this.embedded += texts.length;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 400)) throw err;
      for (let i = from; i < to && !signal.aborted; i++) {
        try {
          const r = await this.withRetry(() => this.service.embed([texts[i - from]!]), signal);
          slots[i] = unit(r.vectors[0]!);
          this.embedded++;
        } catch (one) {
          if (!(one instanceof ApiError && one.status === 400)) throw one;
          this.skipped++;
          this.firstSkip ??= `document "${docs[i]!.id}": ${one.message}`;
        }
      }
    }
  }

  /** A full queue or a restarting worker is waited out (Retry-After), up to 20 tries. */
  private async withRetry<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 503) || attempt >= 20 || signal.aborted) throw err;
        const seconds = Number(err.headers['retry-after'] ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(5, Math.max(1, seconds)) * 1000));
      }
    }
  }

  /** Best first; throws ApiError 503 while the index is not ready. */
  async search(query: string, k: number, signal?: AbortSignal): Promise<Hit[]> {
    if (this.state !== 'ready') {
      const s = this.status();
      const why =
        s.state === 'failed'
          ? `the search index could not be built: ${s.error}`
          : `the search index is still being built (${s.embedded} of ${s.documents} documents embedded); GET /health says when it is ready`;
      throw new ApiError(503, why, 'server_error', s.state === 'failed' ? 'index_failed' : 'index_building');
    }
    const q = unit((await this.service.embed([this.prefixes.query + query], signal)).vectors[0]!);
    const scores = this.vectors.map((v, i) => ({ i, score: dot(q, v) }));
    scores.sort((a, b) => b.score - a.score || a.i - b.i);
    return scores.slice(0, k).map(({ i, score }) => ({ id: this.ids[i]!, score, snippet: this.snippets[i]! }));
  }
}

function unit(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!(norm > 0)) return v;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
