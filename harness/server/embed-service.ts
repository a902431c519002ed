// What POST /v1/embeddings does once the request is valid: look each text up in the cache, send
// the misses through the bounded queue to the supervised worker, cache what came back. Errors
// leave here as ApiErrors with the right status.
import { EmbedError } from '../targets/gguf/errors.ts';
import { ApiError, badRequest, unavailable } from './api-error.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { EmbedQueue, TextFailure, type EmbedOutcome } from './embed-queue.ts';
import type { WorkerSupervisor } from './worker-supervisor.ts';

export interface EmbedResult {
  vectors: Float32Array[];
  tokens: number[];
  /** Indexes of texts cut to the context (overflow: truncate). */
  truncated: number[];
  cacheHits: number;
}

export class EmbedService {
  constructor(
    readonly supervisor: WorkerSupervisor,
    readonly queue: EmbedQueue,
    /** Undefined until the first worker is ready (the key needs the model's sha256), or when disabled. */
    public cache: EmbeddingCache | undefined,
    /** Put before every text, e.g. "search_document: "; part of the cache key. */
    readonly prefix: string,
  ) {
    // In-flight texts are rejected by the dying worker itself; waiting ones are rejected here.
    supervisor.onDown((reason) => queue.failWaiting(this.workerGone(reason)));
  }

  /** `signal`: the client went away; texts still waiting are dropped (see EmbedQueue.submit). */
  async embed(texts: string[], signal?: AbortSignal): Promise<EmbedResult> {
    if (!this.supervisor.current) throw this.notReady();
    const n = texts.length;
    const vectors = new Array<Float32Array>(n);
    const tokens = new Array<number>(n).fill(0);
    const truncated: number[] = [];
    const keys: (string | undefined)[] = new Array<string | undefined>(n);
    // Identical texts in one request are embedded once.
    const missesByText = new Map<string, number[]>();
    let cacheHits = 0;
    for (let i = 0; i < n; i++) {
      const text = texts[i]!;
      const key = this.cache?.key(this.prefix, text);
      keys[i] = key;
      const hit = key === undefined ? undefined : this.cache!.get(key);
      if (hit) {
        vectors[i] = hit.vector;
        tokens[i] = hit.tokens;
        cacheHits++;
        continue;
      }
      const same = missesByText.get(text);
      if (same) same.push(i);
      else missesByText.set(text, [i]);
    }
    if (missesByText.size > 0) {
      const missTexts = [...missesByText.keys()];
      let outcomes: EmbedOutcome[];
      try {
        outcomes = await this.queue.submit(missTexts.map((t) => this.prefix + t), signal);
      } catch (err) {
        throw this.translate(err, missesByText);
      }
      missTexts.forEach((text, j) => {
        const o = outcomes[j]!;
        const indexes = missesByText.get(text)!;
        for (const i of indexes) {
          vectors[i] = o.vector;
          tokens[i] = o.tokens;
          if (o.truncated) truncated.push(i);
        }
        // A truncated vector is not the text's embedding: never cache it under the full text.
        if (!o.truncated && keys[indexes[0]!] !== undefined) this.cache?.set(keys[indexes[0]!]!, { vector: o.vector, tokens: o.tokens });
      });
    }
    return { vectors, tokens, truncated: truncated.sort((a, b) => a - b), cacheHits };
  }

  private notReady(): ApiError {
    const s = this.supervisor;
    const retry = s.retryAfterSeconds();
    switch (s.state) {
      case 'circuit-open':
        return unavailable(`the embedding worker crashed repeatedly and the circuit breaker is open (last crash: ${s.lastCrash ?? 'unknown'}); retry later`, 'circuit_open', retry);
      case 'failed':
        return new ApiError(503, `the model could not be loaded: ${s.failure?.message ?? 'unknown error'}`, 'server_error', 'model_load_failed');
      case 'stopped':
        return unavailable('the server is shutting down', 'shutting_down', 5);
      case 'restarting':
        return unavailable(`the embedding worker is restarting after a crash (${s.lastCrash ?? 'unknown'})`, 'worker_restarting', retry);
      default:
        return unavailable('the model is still loading; GET /health says when it is ready', 'model_loading', retry);
    }
  }

  private workerGone(reason: string): ApiError {
    return unavailable(`the embedding worker died while this request was queued (${reason}); it is being restarted`, 'worker_restarting', this.supervisor.retryAfterSeconds());
  }

  private translate(failure: unknown, missesByText: Map<string, number[]>): unknown {
    if (!(failure instanceof TextFailure)) return failure;
    const err = failure.cause;
    if (!(err instanceof EmbedError)) return err;
    const at = missesByText.get(failure.text.slice(this.prefix.length))?.[0];
    const param = at === undefined ? 'input' : `input[${at}]`;
    switch (err.code) {
      case 'input-too-long':
        return badRequest(`${stripIndex(err.message)} (this server rejects over-long inputs: overflow=error; start it with --overflow truncate to cut them instead)`, param, 'context_length_exceeded');
      case 'empty-input':
        return badRequest(stripIndex(err.message), param, 'empty_input');
      case 'worker-died':
      case 'closed':
        return unavailable(`the embedding worker died while embedding this request (${err.message}); it is being restarted`, 'worker_restarting', this.supervisor.retryAfterSeconds());
      default:
        return new ApiError(500, `embedding failed: ${err.message}`, 'server_error', 'embed_failed');
    }
  }
}

/** Worker messages say "text 0 is …" about their own one-text message; the client's index is in `param`. */
function stripIndex(message: string): string {
  return message.replace(/^.*?: text \d+ is /, 'the input is ').replace(/^text \d+ is /, 'the input is ');
}
