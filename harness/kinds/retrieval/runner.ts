// Retrieval quality on a BEIR dataset: embed the corpus with the model's document prefix and the
// queries with its query prefix, rank by exact cosine, score every query (nDCG@10, MRR@10,
// Recall@1/10/100, MAP@10). With a compare target, both models are scored on the same queries and
// a seeded paired bootstrap gives the interval of the difference. BM25 and a random ranking on the
// same data sit beside them as anchors, so a reader can tell "good" from "works at all".
import { dirname, resolve } from 'node:path';
import { readBeirDataset, type BeirDataset } from '../../datasets/beir.ts';
import { ensureTsApiDataset, readDatasetManifest } from '../../datasets/ts-api.ts';
import { Bm25Index } from '../../metrics/bm25.ts';
import { pairedBootstrap, type PairedBootstrap } from '../../metrics/bootstrap.ts';
import { meanScores, RANKING_DEPTH, RANKING_METRICS, scoreRanking, topK, type QueryScores, type RankingMetric } from '../../metrics/ranking.ts';
import { emptyHygiene, finishHygiene, inspectVectors, type VectorHygiene } from '../../metrics/vector-hygiene.ts';
import { Prng } from '../../random.ts';
import { HARNESS_VERSION } from '../../provenance.ts';
import type { ModelInfo } from '../../result.ts';
import { need, type EmbeddingTarget } from '../../targets/target.ts';
import { metricWriter, type MetricWriter } from '../catalog.ts';
import type { Runner, RunnerContext, RunnerOutput } from '../runner.ts';
import { ScoreHistogram } from './calibration.ts';
import { describeChange, MOVER_TOP, putChangeMetrics, type ChangeSide } from './change.ts';
import { RETRIEVAL_METRICS } from './metrics.ts';
import type { RetrievalParams } from './params.ts';

const IN_FLIGHT = 2;

/** One model's vectors of a dataset's documents and queries (in the dataset's order). */
export interface Embedded {
  documents: Float32Array[];
  queries: Float32Array[];
  documentSeconds: number;
  querySeconds: number;
  hygiene: VectorHygiene;
}

interface SystemScores {
  perQuery: QueryScores[];
  mean: QueryScores;
}

export function loadRetrievalDataset(params: Pick<RetrievalParams, 'dataset' | 'split'>, suiteFile: string, onLog?: (m: string) => void): BeirDataset & { source: Record<string, unknown> } {
  const name = params.dataset;
  if (name === 'ts-api') {
    const { dir, manifest } = ensureTsApiDataset(onLog ? { onLog } : {});
    return { ...readBeirDataset(dir, params.split), source: { name: 'ts-api', builderVersion: manifest.builderVersion, sources: manifest.sources } };
  }
  const dir = resolve(dirname(suiteFile), name);
  const manifest = readDatasetManifest(dir);
  return { ...readBeirDataset(dir, params.split), source: { name: manifest?.name ?? dir, ...(manifest ? { sources: manifest.sources } : {}) } };
}

/** The first `max` items of a seeded shuffle, back in their original order. */
function seededSample<T>(items: readonly T[], max: number, seed: number): T[] {
  const order = items.map((item, i) => ({ item, i }));
  const prng = new Prng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, max).sort((a, b) => a.i - b.i).map((x) => x.item);
}

/**
 * A bounded run: a seeded sample of queries, and a corpus holding every document judged for them
 * plus a seeded sample of the others as distractors. Both models and BM25 see the same subset.
 */
export function subsetDataset(dataset: BeirDataset, params: Pick<RetrievalParams, 'maxQueries' | 'maxDocuments'>, seed: number): BeirDataset {
  const queries =
    params.maxQueries !== undefined && params.maxQueries < dataset.queries.length
      ? seededSample(dataset.queries, params.maxQueries, seed ^ 0x9e3779b9)
      : dataset.queries;
  let documents = dataset.documents;
  if (params.maxDocuments !== undefined && params.maxDocuments < documents.length) {
    const judged = new Set(queries.flatMap((q) => [...dataset.qrels.get(q.id)!.keys()]));
    const others = documents.filter((d) => !judged.has(d.id));
    const keep = new Set([...judged, ...seededSample(others, Math.max(0, params.maxDocuments - judged.size), seed ^ 0x85ebca6b).map((d) => d.id)]);
    documents = documents.filter((d) => keep.has(d.id));
  }
  return { ...dataset, queries, documents };
}

export async function embedAll(
  ctx: RunnerContext,
  target: EmbeddingTarget,
  texts: string[],
  batchSize: number,
  hygiene: VectorHygiene,
  phase: string,
  inFlight = IN_FLIGHT,
): Promise<{ vectors: Float32Array[]; seconds: number }> {
  const { dimensions } = target.info();
  const batches: Float32Array[][] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  // A second batch in flight keeps the worker's contexts busy while the first one's stragglers
  // finish (measured on the baseline fixture: within noise of one at a time, never slower).
  const lane = async () => {
    while (next * batchSize < texts.length) {
      ctx.signal.throwIfAborted();
      const index = next++;
      const batch = await target.embed(texts.slice(index * batchSize, (index + 1) * batchSize));
      batches[index] = batch;
      done += batch.length;
      ctx.emit({ type: 'progress', suite: ctx.plan.name, phase, done, total: texts.length });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const vectors = batches.flat();
  inspectVectors(hygiene, vectors, dimensions);
  return { vectors, seconds: (performance.now() - started) / 1000 };
}

async function embedDataset(ctx: RunnerContext, target: EmbeddingTarget, dataset: BeirDataset, queries: BeirDataset['queries'], params: RetrievalParams): Promise<Embedded> {
  const info = target.info();
  const batch = params.batchSize;
  const hygiene = emptyHygiene();
  const label = `${info.name}: embedding`;
  const docs = await embedAll(ctx, target, dataset.documents.map((d) => info.documentPrefix + d.text), batch, hygiene, `${label} ${dataset.documents.length} documents`);
  const qs = await embedAll(ctx, target, queries.map((q) => info.queryPrefix + q.text), batch, hygiene, `${label} ${queries.length} queries`);
  finishHygiene(hygiene, params.normalised === undefined ? {} : { normalised: params.normalised });
  return { documents: docs.vectors, queries: qs.vectors, documentSeconds: docs.seconds, querySeconds: qs.seconds, hygiene };
}

/** Unit vectors in one flat matrix; an invalid vector becomes all zeros (ranks last, counted in hygiene). */
function unitMatrix(vectors: Float32Array[], dims: number): Float32Array {
  const out = new Float32Array(vectors.length * dims);
  vectors.forEach((v, row) => {
    if (v.length !== dims) return;
    let n = 0;
    for (let i = 0; i < dims; i++) n += v[i]! * v[i]!;
    if (!(n > 0) || !Number.isFinite(n)) return;
    const scale = 1 / Math.sqrt(n);
    for (let i = 0; i < dims; i++) out[row * dims + i] = v[i]! * scale;
  });
  return out;
}

/**
 * Exact cosine ranking of every document for every query. `visit` sees each query's scores of
 * every document (reused between queries) with its ranking, for what needs more than the ranks.
 */
export function rankByCosine(
  documents: Float32Array[],
  queries: Float32Array[],
  dims: number,
  depth = RANKING_DEPTH,
  visit?: (query: number, scores: Float32Array, ranking: number[]) => void,
): number[][] {
  const docs = unitMatrix(documents, dims);
  const qs = unitMatrix(queries, dims);
  const scores = new Float32Array(documents.length);
  return queries.map((_, q) => {
    const qo = q * dims;
    for (let d = 0; d < documents.length; d++) {
      const o = d * dims;
      let s = 0;
      for (let i = 0; i < dims; i++) s += docs[o + i]! * qs[qo + i]!;
      scores[d] = s;
    }
    const ranking = topK(scores, depth);
    visit?.(q, scores, ranking);
    return ranking;
  });
}

interface Ranked {
  rankings: number[][];
  /** Scores of each query's first MOVER_TOP documents. */
  topScores: number[][];
}

/** A model's rankings, counting every (query, document) score in `histogram` as relevant or not by the qrels. */
function rankAndCalibrate(dataset: BeirDataset, queries: BeirDataset['queries'], embedded: Embedded, dims: number, histogram: ScoreHistogram): Ranked {
  const topScores: number[][] = [];
  const ids = dataset.documents.map((d) => d.id);
  const rankings = rankByCosine(embedded.documents, embedded.queries, dims, RANKING_DEPTH, (q, scores, ranking) => {
    const relevant = dataset.qrels.get(queries[q]!.id)!;
    for (let d = 0; d < scores.length; d++) histogram.add(scores[d]!, (relevant.get(ids[d]!) ?? 0) > 0);
    topScores[q] = ranking.slice(0, MOVER_TOP).map((d) => scores[d]!);
  });
  return { rankings, topScores };
}

function changeSide(name: string, dims: number, ranked: Ranked, system: SystemScores, histogram: ScoreHistogram, embedded: Embedded, documents: number): ChangeSide {
  return {
    name, dimensions: dims, ...ranked, ndcg: system.perQuery.map((q) => q.ndcg_at_10), histogram,
    docsPerSecond: documents / embedded.documentSeconds, documentSeconds: embedded.documentSeconds,
  };
}

function scoreSystem(dataset: BeirDataset, queries: BeirDataset['queries'], rankings: number[][]): SystemScores {
  const perQuery = queries.map((q, i) => scoreRanking(rankings[i]!.map((d) => dataset.documents[d]!.id), dataset.qrels.get(q.id)!));
  return { perQuery, mean: meanScores(perQuery) };
}

function randomRankings(documents: number, queries: number, seed: number): number[][] {
  const prng = new Prng(seed);
  const depth = Math.min(RANKING_DEPTH, documents);
  return Array.from({ length: queries }, () => {
    // Partial Fisher–Yates: only the first `depth` places matter.
    const order = Array.from({ length: documents }, (_, i) => i);
    for (let i = 0; i < depth; i++) {
      const j = i + Math.floor(prng.next() * (documents - i));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.slice(0, depth);
  });
}

type Writer = MetricWriter<typeof RETRIEVAL_METRICS>;

function putRanking(out: Writer, mean: QueryScores, prefix: '' | 'bm25.' | 'random.' = ''): void {
  for (const m of RANKING_METRICS) out.set(`${prefix}${m}`, mean[m]);
}

function modelMetrics(system: SystemScores, embedded: Embedded, dataset: BeirDataset, queries: number): Writer {
  const out = metricWriter(RETRIEVAL_METRICS);
  putRanking(out, system.mean);
  out.set('queries', queries);
  out.set('documents', dataset.documents.length);
  out.set('docs_per_second', dataset.documents.length / embedded.documentSeconds);
  out.set('queries_per_second', queries / embedded.querySeconds);
  out.set('vectors.invalid', embedded.hygiene.invalid);
  return out;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Why a non-inferiority comparison cannot be decided yet, or undefined when it can. */
export function nonInferiorityUndecided(ci: PairedBootstrap, margin: number, metric: string): string | undefined {
  if (ci.ciLow >= -margin || ci.ciHigh < -margin) return undefined;
  const halfWidth = (ci.ciHigh - ci.ciLow) / 2;
  // The half-width shrinks with √n; the interval clears −margin once it is narrower than the
  // distance from the observed difference to −margin (when the difference stays where it is).
  const distance = Math.abs(ci.diff + margin);
  const more =
    distance < halfWidth / 20
      ? 'the observed difference sits on the margin itself'
      : `about ${Math.ceil(ci.n * (halfWidth / distance) ** 2)} queries would decide it if the difference stays at ${ci.diff.toFixed(4)}`;
  return (
    `the ${Math.round(ci.confidence * 100)} % interval of the ${metric} difference [${ci.ciLow.toFixed(4)}, ${ci.ciHigh.toFixed(4)}] ` +
    `over ${ci.n} queries contains the margin −${margin}: too few queries to tell non-inferior from worse (${more})`
  );
}

/** What every retrieval runner starts from: its parameters, a log, the dataset and the suite's subset of it. */
export function retrievalStart(ctx: Pick<RunnerContext, 'plan' | 'emit' | 'seed'>) {
  const params = ctx.plan.params as RetrievalParams;
  const log = (message: string) => ctx.emit({ type: 'log', level: 'info', suite: ctx.plan.name, message });
  const full = loadRetrievalDataset(params, ctx.plan.file, log);
  return { params, log, full, dataset: subsetDataset(full, params, ctx.seed) };
}

export const runRetrieval: Runner = async (ctx) => {
  const { plan, emit, seed } = ctx;
  const who = `retrieval suite "${plan.name}"`;
  const target = need(ctx.target, who, 'info', 'embed');
  const compare = ctx.compare && need(ctx.compare, who, 'info', 'embed');
  const { params, log, full, dataset } = retrievalStart(ctx);
  log(`dataset ${dataset.dir}: ${dataset.documents.length} of ${full.documents.length} documents, ${dataset.queries.length} of ${full.queries.length} queries, revision ${dataset.revision.slice(0, 12)}`);
  const embedded = await embedDataset(ctx, target, dataset, dataset.queries, params);
  const baseEmbedded = compare && (await embedDataset(ctx, compare, dataset, dataset.queries, params));
  return scoreRetrieval({ params, seed, full, dataset, target: { info: target.info(), embedded }, ...(compare && baseEmbedded ? { compare: { info: compare.info(), embedded: baseEmbedded } } : {}) });
};

export interface RetrievalScoring {
  params: RetrievalParams;
  seed: number;
  /** The whole dataset, and the subset embedded (subsetDataset of it). */
  full: BeirDataset & { source: Record<string, unknown> };
  dataset: BeirDataset;
  target: { info: ModelInfo; embedded: Embedded };
  compare?: { info: ModelInfo; embedded: Embedded };
}

/**
 * Everything after embedding: rank, score, compare, anchors, details. Split from the runner so
 * that `embedgate merge` scores the union of a sharded run's vectors with this same code.
 */
export function scoreRetrieval(input: RetrievalScoring): RunnerOutput {
  const { params, seed, full, dataset } = input;
  const queries = dataset.queries;
  const target = input.target.info;
  const compare = input.compare?.info;
  const embedded = input.target.embedded;
  const dims = target.dimensions;
  // With a compare target every score is counted for the calibration of the two models.
  const histogram = compare && new ScoreHistogram(params.threshold === undefined ? [] : [params.threshold]);
  const ranked = histogram ? rankAndCalibrate(dataset, queries, embedded, dims, histogram) : undefined;
  const scores = scoreSystem(dataset, queries, ranked?.rankings ?? rankByCosine(embedded.documents, embedded.queries, dims));
  let baseEmbedded: Embedded | undefined;
  let baseScores: SystemScores | undefined;
  let change: ReturnType<typeof describeChange> | undefined;
  let baseOut: Writer | undefined;
  if (compare) {
    baseEmbedded = input.compare!.embedded;
    const baseDims = compare.dimensions;
    const baseHistogram = new ScoreHistogram(params.threshold === undefined ? [] : [params.threshold]);
    const baseRanked = rankAndCalibrate(dataset, queries, baseEmbedded, baseDims, baseHistogram);
    baseScores = scoreSystem(dataset, queries, baseRanked.rankings);
    baseOut = modelMetrics(baseScores, baseEmbedded, dataset, queries.length);
    const n = dataset.documents.length;
    change = describeChange(
      dataset,
      queries,
      changeSide(target.name, dims, ranked!, scores, histogram!, embedded, n),
      changeSide(compare.name, baseDims, baseRanked, baseScores, baseHistogram, baseEmbedded, n),
      { movers: params.movers, sameWithin: params.sameWithin, threshold: params.threshold, corpusSize: params.corpusSize, datasetDocuments: full.documents.length, batchSize: params.batchSize },
    );
  }

  const bm25 = new Bm25Index(dataset.documents.map((d) => d.text));
  const bm25Scores = scoreSystem(dataset, queries, queries.map((q) => topK(bm25.score(q.text), RANKING_DEPTH)));
  const randomScores = scoreSystem(dataset, queries, randomRankings(dataset.documents.length, queries.length, seed));

  const out = modelMetrics(scores, embedded, dataset, queries.length);
  if (change && baseOut) putChangeMetrics(change.change, { candidate: out, baseline: baseOut });
  putRanking(out, bm25Scores.mean, 'bm25.');
  putRanking(out, randomScores.mean, 'random.');
  const metrics = out.metrics;

  let inconclusive: string | undefined;
  let intervals: Record<RankingMetric, PairedBootstrap> | undefined;
  if (baseScores) {
    const column = (s: SystemScores) => Object.fromEntries(RANKING_METRICS.map((m) => [m, s.perQuery.map((q) => q[m])]));
    intervals = pairedBootstrap(column(scores), column(baseScores), { seed, resamples: params.bootstrap.resamples, confidence: params.bootstrap.confidence });
    for (const [m, ci] of Object.entries(intervals) as [RankingMetric, PairedBootstrap][]) {
      out.set(`${m}.diff`, ci.diff);
      out.set(`${m}.diff.ci_low`, ci.ciLow);
      out.set(`${m}.diff.ci_high`, ci.ciHigh);
    }
    const { metric, margin } = params.nonInferiority;
    inconclusive = nonInferiorityUndecided(intervals[metric]!, margin, metric);
  }

  const row = (system: string, mean: QueryScores) => ({ system, ...Object.fromEntries(RANKING_METRICS.map((m) => [m, round(mean[m])])) });
  const perQuery = queries.map((q, i) => ({
    query: q.id,
    ...Object.fromEntries(RANKING_METRICS.map((m) => [m, round(scores.perQuery[i]![m])])),
    ...(baseScores ? Object.fromEntries(RANKING_METRICS.map((m) => [`baseline.${m}`, round(baseScores.perQuery[i]![m])])) : {}),
    'bm25.ndcg_at_10': round(bm25Scores.perQuery[i]!.ndcg_at_10),
    ...(change ? { 'ndcg_at_10.delta': change.perQuery[i]!.delta, overlap_at_10: change.perQuery[i]!.overlap } : {}),
  }));
  return {
    metrics,
    ...(baseOut ? { baselineMetrics: baseOut.metrics } : {}),
    details: {
      systems: [
        row(target.name, scores.mean),
        ...(baseScores ? [row(compare!.name, baseScores.mean)] : []),
        row('bm25', bm25Scores.mean),
        row('random', randomScores.mean),
      ],
      ...(intervals
        ? {
            difference: Object.entries(intervals).map(([metric, ci]) => ({
              metric,
              diff: round(ci.diff),
              ci_low: round(ci.ciLow),
              ci_high: round(ci.ciHigh),
              confidence: ci.confidence,
              resamples: ci.resamples,
              queries: ci.n,
            })),
            nonInferiority: { metric: params.nonInferiority.metric, margin: params.nonInferiority.margin },
          }
        : {}),
      dataset: {
        dir: dataset.dir,
        split: dataset.split,
        revision: dataset.revision,
        documents: dataset.documents.length,
        queries: queries.length,
        documentsInDataset: full.documents.length,
        queriesInDataset: full.queries.length,
        ...full.source,
      },
      harnessVersion: HARNESS_VERSION,
      embedding: {
        [target.name]: { documentSeconds: round(embedded.documentSeconds), querySeconds: round(embedded.querySeconds), vectorFaults: embedded.hygiene.faults },
        ...(compare && baseEmbedded
          ? { [compare.name]: { documentSeconds: round(baseEmbedded.documentSeconds), querySeconds: round(baseEmbedded.querySeconds), vectorFaults: baseEmbedded.hygiene.faults } }
          : {}),
      },
      perQuery,
      ...(change ? { change: change.change } : {}),
    },
    ...(inconclusive ? { inconclusive } : {}),
  };
}
