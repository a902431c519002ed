// The http target: any OpenAI-compatible embeddings endpoint (llama.cpp's server, Ollama,
// text-embeddings-inference, vLLM, embedgate serve, a team's own service), through the official
// openai client. Opening it asks /v1/models for the model (if the server has that route) and
// embeds one probe text, so info() knows the dimensions before a runner asks. It is driven where
// it is; it cannot measure an in-process ceiling or restart, and names its process only when it
// listens on this machine.
import OpenAI from 'openai';
import type { HttpTargetSpec } from '../../plan.ts';
import { pidListeningOn, processEnvironment } from '../../probes/process-memory.ts';
import type { ModelInfo, TargetDescription } from '../../result.ts';
import type { EmbeddingTarget, HttpEndpoint, TargetProcesses } from '../target.ts';

export type { HttpTargetSpec } from '../../plan.ts';

export interface HttpTargetOptions {
  /** How the suite named the target, for describe(). */
  ref?: string;
  env?: NodeJS.ProcessEnv;
  /** Per request; default 60 s. */
  timeoutMs?: number;
}

/** The target could not be reached or answered in a way no suite can use. */
export class HttpTargetError extends Error {
  override readonly name = 'HttpTargetError';
}

/** Extra fields embedgate serve (and some other servers) put on /v1/models entries; the mcp target reads them too. */
export interface ModelEntry {
  id: string;
  sha256?: string;
  dimensions?: number;
  context_length?: number;
  architecture?: string;
  pooling?: string;
  quantization?: string;
  file_size?: number;
}

export function baseUrlOf(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export class HttpTarget implements EmbeddingTarget {
  constructor(
    private readonly client: OpenAI,
    private readonly modelInfo: ModelInfo,
    readonly url: string,
    private readonly ref: string,
  ) {}

  describe(): TargetDescription {
    return { ref: this.ref, kind: 'http', model: this.modelInfo, url: this.url };
  }

  info(): ModelInfo {
    return this.modelInfo;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return embedWith(this.client, this.modelInfo.name, texts, this.url);
  }

  /** The server as it runs: the suite's server settings do not reach it. */
  async serveHttp(): Promise<HttpEndpoint> {
    return {
      url: this.url.replace(/\/v1\/?$/, '').replace(/\/+$/, ''),
      modelId: this.modelInfo.name,
      processes: this.processes(),
      close: async () => {},
    };
  }

  /** The process listening on the target's port, found through its socket when it is on this machine. */
  processes(): TargetProcesses {
    const u = new URL(this.url);
    if (!LOOPBACK.has(u.hostname)) return { pids: [], unavailable: `${u.host} is another machine: its memory cannot be read from here` };
    const pid = pidListeningOn(Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
    if (pid === undefined) return { pids: [], unavailable: `no process of this user listens on ${u.host}: its memory cannot be read` };
    const dir = processEnvironment(pid)?.EMBEDGATE_HEAP_PROBE_DIR;
    return { pids: [pid], ...(dir ? { heapProbeDir: dir } : {}) };
  }

  async close(): Promise<void> {
    // The client holds no connection we own; nothing to free.
  }
}

async function embedWith(client: OpenAI, model: string, texts: string[], url: string): Promise<Float32Array[]> {
  let response: OpenAI.Embeddings.CreateEmbeddingResponse;
  try {
    // float, not base64: every OpenAI-compatible server supports it.
    response = await client.embeddings.create({ model, input: texts, encoding_format: 'float' });
  } catch (err) {
    throw describeFailure(err, url);
  }
  const out = new Array<Float32Array>(texts.length);
  for (const d of response.data ?? []) {
    if (Number.isInteger(d.index) && d.index >= 0 && d.index < texts.length && Array.isArray(d.embedding)) out[d.index] = Float32Array.from(d.embedding);
  }
  const missing = out.findIndex((v) => v === undefined);
  if (missing >= 0 || out.length !== texts.length) {
    throw new HttpTargetError(`${url}: asked for ${texts.length} embeddings, the answer lacks the one for input ${missing}`);
  }
  return out;
}

function describeFailure(err: unknown, url: string): Error {
  if (err instanceof OpenAI.APIError) {
    const body = err.error as { message?: string } | undefined;
    const e = new HttpTargetError(`${url}: HTTP ${err.status ?? '(no status)'}${err.code ? ` ${err.code}` : ''}: ${body?.message ?? err.message}`);
    (e as HttpTargetError & { status?: number }).status = err.status;
    return e;
  }
  return new HttpTargetError(`${url}: ${err instanceof Error ? err.message : String(err)}`);
}

export async function openHttpTarget(spec: HttpTargetSpec, opts: HttpTargetOptions = {}): Promise<HttpTarget> {
  const env = opts.env ?? process.env;
  let apiKey = 'not-needed'; // the client insists on one; servers without auth ignore it
  if (spec.apiKeyEnv !== undefined) {
    const key = env[spec.apiKeyEnv];
    if (!key) throw new HttpTargetError(`http target ${spec.url}: apiKeyEnv names ${spec.apiKeyEnv}, which is not set; export it or remove apiKeyEnv`);
    apiKey = key;
  }
  // No retries: a load or fault suite must see each failure, not a retried success.
  const client = new OpenAI({ baseURL: baseUrlOf(spec.url), apiKey, maxRetries: 0, timeout: opts.timeoutMs ?? 60_000 });

  let entries: ModelEntry[] = [];
  try {
    const page = await client.models.list();
    entries = page.data as unknown as ModelEntry[];
  } catch (err) {
    // Some servers have no /v1/models; that is fine when the suite names the model.
    if (spec.model === undefined) {
      throw new HttpTargetError(`http target ${spec.url}: cannot list models (${describeFailure(err, spec.url).message}); name the model in the suite: target: { http: ${spec.url}, model: <id> }`);
    }
  }
  const entry = spec.model === undefined ? entries[0] : entries.find((e) => e.id === spec.model);
  const model = spec.model ?? entry?.id;
  if (model === undefined) throw new HttpTargetError(`http target ${spec.url}: /v1/models lists no model; name one in the suite with model: <id>`);

  const [probe] = await embedWith(client, model, ['embedgate probe'], spec.url);
  const info: ModelInfo = {
    name: model,
    path: spec.url,
    // Known only when the server says (embedgate serve does); golden files are keyed by it.
    sha256: entry?.sha256 ?? 'unknown',
    fileSize: entry?.file_size ?? 0,
    architecture: entry?.architecture ?? 'unknown',
    dimensions: probe!.length,
    pooling: entry?.pooling ?? 'unknown',
    contextLength: entry?.context_length ?? 0,
    ...(entry?.quantization ? { quantization: entry.quantization } : {}),
    queryPrefix: spec.queryPrefix ?? '',
    documentPrefix: spec.documentPrefix ?? '',
  };
  return new HttpTarget(client, info, spec.url, opts.ref ?? `http:${spec.url}`);
}
