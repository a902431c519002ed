// Child-process entry of the GGUF embedder. The only file that loads node-llama-cpp: llama.cpp
// aborts the whole process on some malformed models (GGML_ASSERT), so it runs here and the
// harness survives to report it. Started by worker-process.ts with an IPC channel
// (serialization 'advanced', so Float32Arrays cross without JSON); config JSON in argv[2].
import { getLlama, GgufFileType, LlamaLogLevel, type LlamaEmbeddingContext, type LlamaModel } from 'node-llama-cpp';
import { ContextPool } from './context-pool.ts';
import type { TextResult, WireError, WorkerConfig, WorkerFacts, WorkerMessage, WorkerRequest } from './protocol.ts';

const DEFAULT_MAX_CONTEXT = 8192;
const POOLING_NAMES: Record<number, string> = { [-1]: 'unspecified', 0: 'none', 1: 'mean', 2: 'cls', 3: 'last', 4: 'rank' };

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

// Orphan guard: when the parent goes away the IPC channel closes; a worker must not outlive it.
process.on('disconnect', () => process.exit());

class EmbedFailure extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

function toWire(err: unknown): WireError {
  return err instanceof EmbedFailure ? err.wire : { code: 'embed-failed', message: err instanceof Error ? err.message : String(err) };
}

async function load(config: WorkerConfig) {
  const started = performance.now();
  // maxThreads bounds the whole instance; give it exactly what the pool needs so no context waits
  // for threads. threads undefined = node-llama-cpp's own default (kept for benchmarks).
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    logLevel: LlamaLogLevel.warn,
    // The contexts hold one token more than the trained context (see contextSize below) and llama.cpp
    // pads them further; no input is longer than the trained context, so its overflow warning is noise.
    logger: (level, message) => /possible training context overflow/.test(message) || process.stderr.write(`[llama.cpp ${level}] ${message.trimEnd()}\n`),
    ...(config.threads !== undefined ? { maxThreads: config.threads * config.contexts } : {}),
  });
  const model = await llama.loadModel({ modelPath: config.modelPath, gpuLayers: 0 });
  const train = model.trainContextSize;
  // Each context holds a KV cache and a compute buffer sized to its context: a 7B decoder trained
  // on 32k tokens would need GBs per context. 8192 covers code-search inputs; ask for more explicitly.
  const limit = Math.max(8, Math.min(train, config.contextSize ?? DEFAULT_MAX_CONTEXT));
  // node-llama-cpp refuses an input of contextSize tokens or more: one token more, so an input of
  // exactly the model's context length (BOS/EOS included) embeds, as the model allows.
  const contextSize = limit + 1;
  const contexts: LlamaEmbeddingContext[] = [];
  for (let i = 0; i < config.contexts; i++) {
    contexts.push(
      await model.createEmbeddingContext({
        contextSize,
        // Encoders (BERT) must see the whole input in one ubatch, else llama.cpp asserts;
        // the default batch (512) is smaller than the context of most embedding models.
        batchSize: contextSize,
        ...(config.threads !== undefined ? { threads: config.threads } : {}),
      }),
    );
  }
  const facts = describe(model, config, limit, contexts, performance.now() - started);
  return { llama, model, contexts, facts };
}

/** `limit`: tokens one input may have (the contexts hold one more). */
function describe(model: LlamaModel, config: WorkerConfig, limit: number, contexts: LlamaEmbeddingContext[], loadMs: number): WorkerFacts {
  const meta = model.fileInfo.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const arch = String(meta.general?.architecture ?? model.fileInfo.metadata.general.architecture);
  const archMeta = meta[arch] ?? {};
  const pooling = archMeta.pooling_type;
  const fileType = meta.general?.file_type;
  const ctx = (contexts[0] as unknown as { _llamaContext?: { currentThreads?: number; idealThreads?: number } })._llamaContext;
  return {
    architecture: arch,
    dimensions: model.embeddingVectorSize,
    pooling: typeof pooling === 'number' ? (POOLING_NAMES[pooling] ?? `type ${pooling}`) : 'unspecified',
    trainContextSize: model.trainContextSize,
    contextSize: limit + 1,
    maxInputTokens: limit,
    ...(typeof archMeta.block_count === 'number' ? { layers: archMeta.block_count } : {}),
    ...(typeof fileType === 'number' ? { quantization: quantName(fileType) } : {}),
    vocabularySize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0,
    contexts: contexts.length,
    threads: ctx?.idealThreads ?? config.threads ?? 0,
    maxThreads: model.llama.maxThreads,
    cpuMathCores: model.llama.cpuMathCores,
    llamaCppRelease: model.llama.llamaCppRelease.release,
    overflow: config.overflow,
    loadMs: Math.round(loadMs),
  };
}

/** GGUF general.file_type as llama.cpp's tools print it: MOSTLY_Q8_0 → Q8_0, ALL_F32 → F32. */
function quantName(fileType: number): string {
  const name = GgufFileType[fileType];
  return name === undefined ? `file_type ${fileType}` : name.replace(/^(MOSTLY|ALL)_/, '');
}

/** Tokenizes like getEmbeddingFor(string) does, so token and text inputs give the same vector. */
function prepare(model: LlamaModel, ctx: LlamaEmbeddingContext, text: string, index: number, facts: WorkerFacts) {
  if (text.length === 0) {
    throw new EmbedFailure({ code: 'empty-input', index, message: `text ${index} is empty; an embedding of nothing is not defined, drop it or send a placeholder` });
  }
  const tokens = model.tokenize(text, false);
  const length = ctx.calculateInputLength(tokens); // adds BOS/EOS as the model wants, on a copy
  if (length <= facts.maxInputTokens) return { tokens, truncated: false, length };
  if (facts.overflow === 'error') {
    throw new EmbedFailure({
      code: 'input-too-long',
      index,
      message: `text ${index} is ${length} tokens, the context allows ${facts.maxInputTokens}; shorten or chunk it, or open the target with overflow: 'truncate'`,
    });
  }
  const special = length - tokens.length;
  return { tokens: tokens.slice(0, facts.maxInputTokens - special), truncated: true, length: facts.maxInputTokens };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    loaded = await load(config);
  } catch (err) {
    // A JS-level load error (llama.cpp returned null, bad option): report it, then exit non-zero.
    send({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }
  const { model, contexts, facts } = loaded;
  const pool = new ContextPool(contexts);

  const embedOne = (text: string, i: number) =>
    pool.run(async (ctx) => {
      const { tokens, truncated, length } = prepare(model, ctx, text, i, facts);
      const e = await ctx.getEmbeddingFor(tokens);
      return { vector: Float32Array.from(e.vector), tokens: length, truncated };
    });
  const embed = async (texts: string[]) => {
    const done = await Promise.all(texts.map(embedOne));
    return {
      vectors: done.map((d) => d.vector),
      truncated: done.flatMap((d, i) => (d.truncated ? [i] : [])),
      tokens: done.map((d) => d.tokens),
    };
  };
  const embedEach = (id: number, texts: string[]) =>
    texts.forEach((text, index) => {
      void embedOne(text, index).then(
        (item: TextResult) => send({ type: 'item', id, index, item }),
        (err: unknown) => send({ type: 'item', id, index, item: { error: toWire(err) } }),
      );
    });

  process.on('message', (req: WorkerRequest) => {
    switch (req.type) {
      case 'embed':
        if (!Array.isArray(req.texts) || req.texts.some((t) => typeof t !== 'string')) {
          send({ type: 'error', id: req.id, error: { code: 'bad-request', message: 'embed expects an array of strings' } });
          return;
        }
        if (req.each) {
          embedEach(req.id, req.texts);
          return;
        }
        embed(req.texts).then(
          (r) => send({ type: 'result', id: req.id, ...r }),
          (err: unknown) => send({ type: 'error', id: req.id, error: toWire(err) }),
        );
        return;
      case 'info':
        send({ type: 'info', id: req.id, facts });
        return;
      case 'shutdown':
        pool.close();
        // Disposing the llama instance frees native memory before the process goes.
        void loaded.llama.dispose().finally(() => {
          send({ type: 'bye', id: req.id });
          process.disconnect?.();
        });
        return;
    }
  });
  send({ type: 'ready', facts });
}

void main();
