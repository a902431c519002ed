// One shard of a retrieval suite: the same dataset subset every shard draws (same seed), of which
// this shard embeds document k and query k when k mod n is its index, with the target and the
// compare target, and writes the vectors to its run directory (retrieval-vectors.ts). Queries are
// split like documents, so every text is embedded once, on one shard, and the shards' work differs
// by one text at most. Nothing is ranked here: a share of the corpus ranks nothing meaningful, so
// the suite's result on a shard is partial, every check unjudged; `embedgate merge` ranks and
// scores the union (merge-retrieval.ts).
import { join } from 'node:path';
import { RETRIEVAL_METRICS } from '../kinds/retrieval/metrics.ts';
import { embedAll, retrievalStart } from '../kinds/retrieval/runner.ts';
import type { RunnerContext, RunnerOutput } from '../kinds/runner.ts';
import { emptyHygiene } from '../metrics/vector-hygiene.ts';
import { need, type EmbeddingTarget } from '../targets/target.ts';
import { vectorsFileName, writeVectors } from './retrieval-vectors.ts';

/** Item k of `items` when k mod count is index. */
export function shareByIndex<T>(items: readonly T[], index: number, count: number): T[] {
  return items.filter((_, k) => k % count === index);
}

export async function runRetrievalShard(ctx: RunnerContext): Promise<RunnerOutput> {
  const { plan, seed } = ctx;
  const shard = plan.shard!;
  if (!shard.dir) throw new Error(`retrieval suite "${plan.name}": shard ${shard.index} of ${shard.count} has no run directory to write its vectors to`);
  const who = `retrieval suite "${plan.name}"`;
  const target = need(ctx.target, who, 'info', 'embed');
  const compare = ctx.compare && need(ctx.compare, who, 'info', 'embed');
  const { params, log, full, dataset } = retrievalStart(ctx);
  const documents = shareByIndex(dataset.documents, shard.index, shard.count);
  const queries = shareByIndex(dataset.queries, shard.index, shard.count);
  const of = `shard ${shard.index} of ${shard.count}`;
  log(`${of}: embedding ${documents.length} of ${dataset.documents.length} documents and ${queries.length} of ${dataset.queries.length} queries (those with index mod ${shard.count} = ${shard.index}), revision ${dataset.revision.slice(0, 12)}`);

  const embedSide = async (role: 'target' | 'compare', t: EmbeddingTarget) => {
    const info = t.info();
    // Hygiene is judged by the merge on the union; this tally is only what embedAll needs.
    const hygiene = emptyHygiene();
    const label = `${info.name}: embedding (${of})`;
    const docs = await embedAll(ctx, t, documents.map((d) => info.documentPrefix + d.text), params.batchSize, hygiene, `${label} ${documents.length} documents`);
    const qs = await embedAll(ctx, t, queries.map((q) => info.queryPrefix + q.text), params.batchSize, hygiene, `${label} ${queries.length} queries`);
    return { header: { role, model: info, documentSeconds: docs.seconds, querySeconds: qs.seconds }, documents: docs.vectors, queries: qs.vectors };
  };
  const sides = [await embedSide('target', target), ...(compare ? [await embedSide('compare', compare)] : [])];
  const file = vectorsFileName(plan.name);
  writeVectors(
    join(shard.dir, file),
    {
      schema: 'embedgate-retrieval-vectors/1',
      suite: plan.name,
      shard: { index: shard.index, count: shard.count },
      seed,
      params,
      dataset: { dir: dataset.dir, split: dataset.split, revision: dataset.revision, documents: dataset.documents.length, queries: dataset.queries.length },
      documentIds: documents.map((d) => d.id),
      queryIds: queries.map((q) => q.id),
    },
    sides,
  );

  const why = `partial: ${of} embedded its share of the corpus (${documents.length} documents, ${queries.length} queries) into ${file}; embedgate merge ranks and scores the union of every shard's vectors`;
  const unmeasured = Object.fromEntries(Object.keys(RETRIEVAL_METRICS).map((name) => [name, why]));
  return {
    metrics: {},
    unmeasured: { self: unmeasured, baseline: unmeasured },
    details: {
      shard: {
        index: shard.index,
        count: shard.count,
        vectorsFile: file,
        documents: documents.length,
        queries: queries.length,
        embedding: Object.fromEntries(sides.map((s) => [s.header.model.name, { documentSeconds: s.header.documentSeconds, querySeconds: s.header.querySeconds }])),
      },
      dataset: { dir: dataset.dir, split: dataset.split, revision: dataset.revision, documents: dataset.documents.length, queries: dataset.queries.length },
    },
    inconclusive: why,
  };
}
