// Request bodies for load: texts from a code-search corpus (so lengths are realistic), each with
// its model's query or document prefix, and a share of repeats drawn from a small hot set (what
// a cache sees from real traffic). Seeded: the same suite sends the same bodies in the same order.
import { existsSync } from 'node:fs';
import { readBeirDataset } from '../datasets/beir.ts';
import { ensureTsApiDataset } from '../datasets/ts-api.ts';
import { Prng } from '../random.ts';
import { loadTexts, type TextItem } from '../texts.ts';

export interface BodyOptions {
  /** How many bodies to prepare; the sequence cycles after that. */
  count: number;
  /** Share of requests (0..1) that repeat a text from the hot set. */
  repeatShare: number;
  /** Size of the hot set repeats are drawn from. */
  hotSet?: number;
  /** Inputs per request. */
  inputsPerRequest?: number;
  /** Model id sent in the body. */
  model: string;
  queryPrefix: string;
  documentPrefix: string;
  seed: number;
}

export interface Bodies {
  bodies: string[];
  /** Every input in body order, prefixed: the same mix for in-process measurements. */
  inputs: string[];
  /** Inputs in each body: body i holds inputs[i * perRequest …]. */
  perRequest: number;
  /** Share of bodies that are repeats, as built (for the report). */
  repeatShare: number;
  distinctTexts: number;
  meanChars: number;
}

/**
 * Texts for bodies: a BEIR folder (queries and corpus), else the ts-api dataset built from the
 * installed declarations, else the built-in sample. `source` says which, for the report.
 */
export function loadCorpusTexts(dataset?: string, onLog?: (m: string) => void): { items: TextItem[]; source: string } {
  try {
    const dir = dataset ?? ensureTsApiDataset(onLog ? { onLog } : {}).dir;
    if (existsSync(dir)) {
      const data = readBeirDataset(dir);
      const items: TextItem[] = [
        ...data.queries.map((q) => ({ id: `q:${q.id}`, role: 'query' as const, text: q.text })),
        ...data.documents.map((d) => ({ id: `d:${d.id}`, role: 'document' as const, text: d.text })),
      ].filter((i) => i.text.length > 0);
      if (items.length > 0) return { items, source: dir };
    }
  } catch (err) {
    if (dataset !== undefined) throw err;
    onLog?.(`load: no corpus (${(err as Error).message}); using the built-in sample texts`);
  }
  return { items: loadTexts(), source: 'fixtures/texts/code-search-sample.json' };
}

export function buildBodies(items: readonly TextItem[], opts: BodyOptions): Bodies {
  if (items.length === 0) throw new Error('buildBodies: no texts');
  const rng = new Prng(opts.seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hot = order.slice(0, Math.max(1, Math.min(opts.hotSet ?? 32, order.length)));
  const cold = order.length > hot.length ? order.slice(hot.length) : order;
  const perRequest = opts.inputsPerRequest ?? 1;
  const text = (index: number) => {
    const item = items[index]!;
    return (item.role === 'query' ? opts.queryPrefix : opts.documentPrefix) + item.text;
  };
  const bodies: string[] = [];
  const all: string[] = [];
  const seen = new Set<number>();
  let nextCold = 0;
  let repeats = 0;
  let chars = 0;
  for (let b = 0; b < opts.count; b++) {
    const inputs: string[] = [];
    for (let k = 0; k < perRequest; k++) {
      let index: number;
      if (rng.next() < opts.repeatShare) {
        index = hot[rng.nextU32() % hot.length]!;
        repeats++;
      } else {
        index = cold[nextCold++ % cold.length]!;
      }
      seen.add(index);
      const t = text(index);
      chars += t.length;
      inputs.push(t);
      all.push(t);
    }
    bodies.push(JSON.stringify({ model: opts.model, input: perRequest === 1 ? inputs[0] : inputs, encoding_format: 'base64' }));
  }
  const inputs = opts.count * perRequest;
  return { bodies, inputs: all, perRequest, repeatShare: repeats / inputs, distinctTexts: seen.size, meanChars: chars / inputs };
}

/** The inputs of body `i`, in order (for checking its answer without parsing the body again). */
export function inputsOfBodyAt(b: Pick<Bodies, 'inputs' | 'perRequest'>, i: number): string[] {
  return b.inputs.slice(i * b.perRequest, (i + 1) * b.perRequest);
}
