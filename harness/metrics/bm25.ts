// Okapi BM25 over the same documents the models rank: the lexical anchor a reader compares the
// models with. Lucene's formula and defaults (k1 1.2, b 0.75, idf ln(1 + (N − df + ½)/(df + ½))),
// as the Elasticsearch runs in BEIR use. Identifiers are split at camelCase and snake_case, so
// "readFileSync" also matches "read file".

export interface Bm25Options {
  k1?: number;
  b?: number;
}

/** Lowercase word pieces; an identifier yields its pieces and itself. */
export function lexicalTokens(text: string): string[] {
  const out: string[] = [];
  for (const word of text.match(/[A-Za-z0-9_$]+/g) ?? []) {
    const pieces = word
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[\s_$]+/)
      .filter(Boolean)
      .map((p) => p.toLowerCase());
    out.push(...pieces);
    const whole = word.toLowerCase().replace(/^[_$]+|[_$]+$/g, '');
    if (pieces.length > 1 && whole) out.push(whole);
  }
  return out;
}

export class Bm25Index {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: Float64Array;
  private readonly avgLength: number;
  private readonly k1: number;
  private readonly b: number;

  constructor(documents: readonly string[], opts: Bm25Options = {}) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
    this.lengths = new Float64Array(documents.length);
    documents.forEach((text, doc) => {
      const tokens = lexicalTokens(text);
      this.lengths[doc] = tokens.length;
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [term, count] of tf) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, tf: count });
      }
    });
    this.avgLength = documents.length === 0 ? 0 : this.lengths.reduce((s, l) => s + l, 0) / documents.length;
  }

  get size(): number {
    return this.lengths.length;
  }

  /** One score per document (0 where no query term occurs). */
  score(query: string): Float64Array {
    const scores = new Float64Array(this.lengths.length);
    const n = this.lengths.length;
    const terms = new Map<string, number>();
    for (const t of lexicalTokens(query)) terms.set(t, (terms.get(t) ?? 0) + 1);
    for (const [term, queryCount] of terms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) {
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[doc]!) / (this.avgLength || 1));
        scores[doc]! += queryCount * idf * ((tf * (this.k1 + 1)) / (tf + norm));
      }
    }
    return scores;
  }
}
