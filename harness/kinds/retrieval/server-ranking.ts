// `retrieval: { ranking: server }`: the target ranks with its own index (an MCP server's search
// tool) and the harness scores what it returns, query by query, on the same qrels and metrics as
// the harness's own cosine ranking; BM25 on the same data sits beside it. The server must index
// this dataset's corpus: hits whose ids the dataset does not know count as irrelevant, and when
// most hits are such ids the index is another corpus and the suite is inconclusive.
import type { BeirDataset } from '../../datasets/beir.ts';
import { Bm25Index } from '../../metrics/bm25.ts';
import { pairedBootstrap } from '../../metrics/bootstrap.ts';
import { meanScores, RANKING_DEPTH, RANKING_METRICS, scoreRanking, topK, type QueryScores } from '../../metrics/ranking.ts';
import { need, type Target } from '../../targets/target.ts';
import { metricWriter } from '../catalog.ts';
import type { Runner, RunnerContext } from '../runner.ts';
import { RETRIEVAL_METRICS } from './metrics.ts';
import { nonInferiorityUndecided, retrievalStart } from './runner.ts';

/** Share of hits with ids the dataset lacks above which the server's index is taken to be another corpus. */
const FOREIGN_SHARE = 0.5;

interface ServerRanked {
  perQuery: QueryScores[];
  mean: QueryScores;
  seconds: number;
  hits: number;
  foreign: number;
  /** Queries that got fewer hits than asked (a small index, or a server that caps k). */
  short: number;
}

async function rankOnServer(ctx: RunnerContext, target: Target & Required<Pick<Target, 'search'>>, dataset: BeirDataset, k: number): Promise<ServerRanked> {
  const known = new Set(dataset.documents.map((d) => d.id));
  const perQuery: QueryScores[] = [];
  let hits = 0;
  let foreign = 0;
  let short = 0;
  const started = performance.now();
  for (const [i, q] of dataset.queries.entries()) {
    ctx.signal.throwIfAborted();
    // Raw query text: the server adds its own query prefix (the search tool's contract).
    const found = await target.search(q.text, k);
    hits += found.length;
    foreign += found.filter((h) => !known.has(h.id)).length;
    if (found.length < k) short++;
    perQuery.push(scoreRanking(found.map((h) => h.id), dataset.qrels.get(q.id)!));
    ctx.emit({ type: 'progress', suite: ctx.plan.name, phase: `${target.describe().ref}: search`, done: i + 1, total: dataset.queries.length });
  }
  return { perQuery, mean: meanScores(perQuery), seconds: (performance.now() - started) / 1000, hits, foreign, short };
}

export const runServerRanking: Runner = async (ctx) => {
  const { plan, seed } = ctx;
  const who = `retrieval suite "${plan.name}" (ranking: server)`;
  const target = need(ctx.target, who, 'info', 'search');
  const compare = ctx.compare && need(ctx.compare, who, 'info', 'search');
  const { params, log, full, dataset } = retrievalStart(ctx);
  // The server ranks its whole index: a document subset here would not be one there.
  if (dataset.documents.length < full.documents.length) log(`maxDocuments does not reach the server's index: it ranks all it holds; the scores are over its index, not the ${dataset.documents.length}-document subset`);
  const k = Math.min(RANKING_DEPTH, full.documents.length);
  const ranked = await rankOnServer(ctx, target, dataset, k);
  const base = compare ? await rankOnServer(ctx, compare, dataset, k) : undefined;
  const bm25 = new Bm25Index(dataset.documents.map((d) => d.text));
  const bm25Mean = meanScores(dataset.queries.map((q) => scoreRanking(topK(bm25.score(q.text), RANKING_DEPTH).map((d) => dataset.documents[d]!.id), dataset.qrels.get(q.id)!)));

  const write = (r: ServerRanked) => {
    const out = metricWriter(RETRIEVAL_METRICS);
    for (const m of RANKING_METRICS) out.set(m, r.mean[m]);
    out.set('queries', dataset.queries.length);
    out.set('documents', full.documents.length);
    out.set('queries_per_second', dataset.queries.length / r.seconds);
    return out;
  };
  const out = write(ranked);
  for (const m of RANKING_METRICS) out.set(`bm25.${m}`, bm25Mean[m]);
  const unmeasuredWhy = 'ranking: server: the server ranks with its own vectors; the harness sees none';
  const unmeasured = { 'vectors.invalid': unmeasuredWhy, docs_per_second: unmeasuredWhy };
  const reasons: string[] = [];
  for (const [name, r] of [[target.describe().ref, ranked], ...(base && compare ? [[compare.describe().ref, base] as const] : [])] as const) {
    if (r.hits > 0 && r.foreign / r.hits > FOREIGN_SHARE) {
      reasons.push(`${name}: ${r.foreign} of ${r.hits} search hits are ids this dataset does not have: its index is not this dataset's corpus (index ${dataset.dir})`);
    }
  }
  let difference: Record<string, unknown>[] | undefined;
  if (base) {
    const column = (s: ServerRanked) => Object.fromEntries(RANKING_METRICS.map((m) => [m, s.perQuery.map((q) => q[m])]));
    const intervals = pairedBootstrap(column(ranked), column(base), { seed, resamples: params.bootstrap.resamples, confidence: params.bootstrap.confidence });
    difference = [];
    for (const [m, ci] of Object.entries(intervals)) {
      out.set(`${m as (typeof RANKING_METRICS)[number]}.diff`, ci.diff);
      out.set(`${m as (typeof RANKING_METRICS)[number]}.diff.ci_low`, ci.ciLow);
      out.set(`${m as (typeof RANKING_METRICS)[number]}.diff.ci_high`, ci.ciHigh);
      difference.push({ metric: m, diff: ci.diff, ci_low: ci.ciLow, ci_high: ci.ciHigh, confidence: ci.confidence, queries: ci.n });
    }
    const { metric, margin } = params.nonInferiority;
    const undecided = nonInferiorityUndecided(intervals[metric]!, margin, metric);
    if (undecided) reasons.push(undecided);
  }
  const searchDetails = (r: ServerRanked) => ({ k, hits: r.hits, unknownIds: r.foreign, queriesWithFewerHits: r.short, seconds: r.seconds });
  return {
    metrics: out.metrics,
    ...(base ? { baselineMetrics: write(base).metrics } : {}),
    unmeasured: { self: unmeasured, ...(base ? { baseline: unmeasured } : {}) },
    details: {
      ranking: 'server',
      systems: [
        { system: `${target.info().name} (server ranking)`, ...ranked.mean },
        ...(base && compare ? [{ system: `${compare.info().name} (server ranking)`, ...base.mean }] : []),
        { system: 'bm25', ...bm25Mean },
      ],
      search: { [target.describe().ref]: searchDetails(ranked), ...(base && compare ? { [compare.describe().ref]: searchDetails(base) } : {}) },
      ...(difference ? { difference, nonInferiority: params.nonInferiority } : {}),
      dataset: { dir: dataset.dir, split: dataset.split, revision: dataset.revision, documents: full.documents.length, queries: dataset.queries.length, ...full.source },
    },
    ...(reasons.length ? { inconclusive: reasons.join('; ') } : {}),
  };
};
