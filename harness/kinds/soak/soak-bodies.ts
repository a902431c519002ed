// A soak's request bodies: cold texts cycled through in order (each one a cache miss the model
// must embed, as long as the cache is smaller than the cycle) and, at `repeatShare`, repeats of a
// hot set of 32 texts (popular queries, which the cache should serve). Which bodies are hot is
// kept, so the cache hit rate is measured on the repeats and not on the whole mix. Seeded.
import { buildBodies, type Bodies } from '../../http-client/bodies.ts';
import { Prng } from '../../random.ts';
import type { TextItem } from '../../texts.ts';

export const HOT_SET = 32;

export interface SoakBodies extends Bodies {
  /** hot[i]: body i repeats a hot text. */
  hot: Uint8Array;
  longestChars: number;
  queries: number;
  documents: number;
}

export function buildSoakBodies(items: readonly TextItem[], opts: { count: number; distinct: number; repeatShare: number; model: string; queryPrefix: string; documentPrefix: string; seed: number }): SoakBodies {
  const rng = new Prng(opts.seed);
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextU32() % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hotItems = order.slice(0, HOT_SET);
  const coldItems = order.slice(HOT_SET, HOT_SET + opts.distinct);
  if (coldItems.length === 0) throw new Error(`soak: the corpus has ${items.length} texts, more than the ${HOT_SET} of the hot set are needed`);
  const base = { repeatShare: 0, model: opts.model, queryPrefix: opts.queryPrefix, documentPrefix: opts.documentPrefix, seed: opts.seed };
  const cold = buildBodies(coldItems, { ...base, count: coldItems.length });
  const hotB = buildBodies(hotItems, { ...base, count: hotItems.length });
  const bodies: string[] = [];
  const inputs: string[] = [];
  const hot = new Uint8Array(opts.count);
  let nextCold = 0;
  let chars = 0;
  for (let b = 0; b < opts.count; b++) {
    const isHot = rng.next() < opts.repeatShare;
    const src = isHot ? hotB : cold;
    const k = isHot ? rng.nextU32() % hotB.bodies.length : nextCold++ % cold.bodies.length;
    hot[b] = isHot ? 1 : 0;
    bodies.push(src.bodies[k]!);
    inputs.push(src.inputs[k]!);
    chars += src.inputs[k]!.length;
  }
  const all = [...hotItems, ...coldItems];
  return {
    bodies,
    inputs,
    perRequest: 1,
    hot,
    repeatShare: hot.reduce((a, h) => a + h, 0) / opts.count,
    distinctTexts: all.length,
    meanChars: chars / opts.count,
    longestChars: Math.max(...all.map((i) => i.text.length)),
    queries: all.filter((i) => i.role === 'query').length,
    documents: all.filter((i) => i.role === 'document').length,
  };
}

/** Counts the hot bodies each phase sent, from LoadStream's onBodies. */
export class HotCounter {
  sent = 0;
  constructor(private readonly hot: Uint8Array) {}
  add(first: number, next: number): void {
    for (let i = first; i < next; i++) this.sent += this.hot[i % this.hot.length]!;
  }
}
