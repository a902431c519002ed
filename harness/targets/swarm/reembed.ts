// Real work for the swarm: re-embedding a corpus in shards through an embedder target (the
// migration itself). The schedule stays in virtual time; the vectors are real. A byzantine worker
// perturbs its vectors; a stale worker embeds with the old model (the compare target) when the
// suite has one. Verifiers re-embed a sample of the shard and compare.
import { readFileSync } from 'node:fs';
import { cosine } from '../../metrics/vector-math.ts';
import { loadTexts } from '../../texts.ts';
import type { EmbeddingTarget } from '../target.ts';
import type { ReembedSpec } from './config.ts';
import { hashString, Prng } from '../../random.ts';
import type { Pending, TaskInstance, TaskResult, WorkBackend } from './work.ts';

/** Corpus texts: a texts JSON file, a BEIR corpus.jsonl, or the fixture sample; with variants. */
export function loadCorpus(spec: ReembedSpec): string[] {
  let texts: string[];
  if (spec.corpus?.endsWith('.jsonl')) {
    texts = readFileSync(spec.corpus, 'utf8').split('\n').filter((l) => l.trim()).map((line) => {
      const doc = JSON.parse(line) as { title?: string; text?: string };
      return [doc.title, doc.text].filter(Boolean).join('\n');
    });
  } else {
    texts = loadTexts(spec.corpus).map((item) => item.text);
  }
  const out: string[] = [];
  for (let v = 0; v < spec.variants; v++) for (const text of texts) out.push(v === 0 ? text : `${text}\n// revision ${v}`);
  return out;
}

export class ReembedWork implements WorkBackend {
  readonly expectedModel: string;
  readonly staleModel: string;
  private readonly shards = new Map<string, string[]>();
  /** Embedding calls made, for the report. */
  calls = 0;

  constructor(
    private readonly target: EmbeddingTarget,
    private readonly old: EmbeddingTarget | undefined,
    texts: string[],
    private readonly spec: ReembedSpec,
    shardIds: string[],
  ) {
    this.expectedModel = target.info().sha256;
    this.staleModel = old?.info().sha256 ?? 'unknown-old-model';
    const prefix = target.info().documentPrefix;
    const per = Math.ceil(texts.length / shardIds.length);
    shardIds.forEach((id, i) => this.shards.set(id, texts.slice(i * per, (i + 1) * per).map((t) => prefix + t)));
  }

  textsOf(key: string): string[] {
    return this.shards.get(key.slice(key.indexOf('/') + 1)) ?? [];
  }

  /** Virtual cost of a shard at speed 1. */
  cost(key: string): number {
    return Math.max(1000, this.textsOf(key).length * this.spec.perTextMs);
  }

  private embed(target: EmbeddingTarget, texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    return texts.length === 0 ? Promise.resolve([]) : target.embed(texts);
  }

  execute(task: TaskInstance, opts: { byzantine: boolean; stale: boolean }): Pending<TaskResult> {
    const pending: Pending<TaskResult> = {};
    const useOld = opts.stale && this.old !== undefined;
    const model = opts.stale ? this.staleModel : this.expectedModel;
    pending.promise = this.embed(useOld ? this.old! : this.target, this.textsOf(task.key)).then(
      (vectors) => {
        const out = opts.byzantine ? perturb(vectors, hashString(task.key)) : vectors;
        pending.value = { model, payload: { kind: 'vectors', vectors: out }, correct: !opts.byzantine };
      },
      (err: Error) => {
        pending.error = err.message;
      },
    );
    return pending;
  }

  verify(task: TaskInstance, result: TaskResult): Pending<boolean> {
    const pending: Pending<boolean> = {};
    const texts = this.textsOf(task.key);
    if (result.payload.kind !== 'vectors' || result.payload.vectors.length !== texts.length) return { value: false };
    const vectors = result.payload.vectors;
    const rng = new Prng(hashString(task.key, 7));
    const picks = [...new Set(Array.from({ length: Math.min(this.spec.verifySample, texts.length) }, () => rng.int(0, texts.length - 1)))];
    pending.promise = this.embed(this.target, picks.map((i) => texts[i]!)).then(
      (again) => {
        pending.value = again.every((v, j) => cosine(v, vectors[picks[j]!]!) >= 0.999);
      },
      (err: Error) => {
        pending.error = err.message;
        pending.value = false;
      },
    );
    return pending;
  }
}

/** A byzantine worker's vectors: plausible-looking (same length, finite) but wrong. */
function perturb(vectors: Float32Array[], seed: number): Float32Array[] {
  const rng = new Prng(seed);
  return vectors.map((v) => v.map((x) => x + rng.gaussian() * 0.5));
}
