// "What code-search users will see change" when the baseline model is replaced by the candidate,
// from what a retrieval suite with `compare:` already measured: per-query nDCG@10 differences
// (better / worse / same), the biggest movers with both models' top 5, how much the two top-10
// lists overlap, where each model's cosine scores of relevant and irrelevant pairs lie and which
// candidate threshold keeps the baseline's precision, and what re-embedding and storing the corpus
// costs with each model. The result goes to the suite's details (`change`) and metrics.
import type { BeirDataset } from '../../datasets/beir.ts';
import { mean, median } from '../../metrics/statistics.ts';
import type { MetricWriter } from '../catalog.ts';
import { displayHistogram, type ScoreHistogram, type ThresholdPoint } from './calibration.ts';
import type { RETRIEVAL_METRICS } from './metrics.ts';
import { biggestMovers, overlapAtK, summariseDeltas } from './query-change.ts';

/** Documents shown per query and model in a mover. */
export const MOVER_TOP = 5;
/** When a suite gives no threshold: the baseline's lowest cut-off at which half of what it keeps is relevant. */
export const DEFAULT_THRESHOLD_PRECISION = 0.5;
const SNIPPET = 90;
const QUERY_TEXT = 200;

/** One model's side of the comparison, as the runner measured it. */
export interface ChangeSide {
  name: string;
  dimensions: number;
  /** Document indices per query, best first. */
  rankings: number[][];
  /** Scores of rankings[q][0..MOVER_TOP-1]. */
  topScores: number[][];
  /** nDCG@10 per query. */
  ndcg: number[];
  histogram: ScoreHistogram;
  /** Corpus documents embedded per second while the suite embedded its corpus. */
  docsPerSecond: number;
  documentSeconds: number;
}

export interface ChangeParams {
  movers: number;
  sameWithin: number;
  threshold?: number | undefined;
  corpusSize?: number | undefined;
  /** Documents in the whole dataset (the suite may embed a sample of them): the default corpus size. */
  datasetDocuments: number;
  batchSize: number;
}

export interface MoverDocument {
  id: string;
  score: number;
  snippet: string;
  relevant: boolean;
}

export interface Mover {
  query: string;
  text: string;
  before: number;
  after: number;
  delta: number;
  overlap: number;
  beforeTop: MoverDocument[];
  afterTop: MoverDocument[];
}

export interface CalibrationSide {
  name: string;
  /** The model's cut-off: for the baseline the suite's (or default) threshold, for the candidate the one found. */
  point?: ThresholdPoint;
  relevantPairs: number;
  irrelevantPairs: number;
  min: number;
  max: number;
  /** Share of the class's pairs per bin, at the bin centres of `calibration.x`. */
  relevant: number[];
  irrelevant: number[];
}

export interface MigrationSide {
  name: string;
  dimensions: number;
  docsPerSecond: number;
  /** Seconds to embed `documents` at docsPerSecond. */
  seconds: number;
  /** documents × dimensions × 4 bytes (float32 vectors, no index overhead). */
  indexBytes: number;
}

/** The suite's details.change. */
export interface RetrievalChange {
  candidate: string;
  baseline: string;
  metric: 'ndcg_at_10';
  sameWithin: number;
  queries: { total: number; better: number; worse: number; same: number; medianDelta: number; meanDelta: number };
  overlap: { k: number; mean: number; median: number };
  movers: { count: number; top: number; up: Mover[]; down: Mover[] };
  calibration: {
    thresholdSource: 'suite' | 'default';
    /** Why a threshold is missing, or how it was chosen, in a sentence. */
    note: string;
    /** Whether the candidate kept the baseline's precision at some cut-off. */
    reached: boolean;
    x: number[];
    binWidth: number;
    baseline: CalibrationSide;
    candidate: CalibrationSide;
  };
  migration: { documents: number; documentsFrom: 'corpusSize' | 'dataset'; measuredOn: string; candidate: MigrationSide; baseline: MigrationSide };
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const snippet = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function topDocuments(dataset: BeirDataset, relevant: ReadonlyMap<string, number>, ranking: number[], scores: number[]): MoverDocument[] {
  return ranking.slice(0, MOVER_TOP).map((d, i) => {
    const doc = dataset.documents[d]!;
    return { id: doc.id, score: round(scores[i]!), snippet: snippet(doc.text, SNIPPET), relevant: (relevant.get(doc.id) ?? 0) > 0 };
  });
}

function calibrate(candidate: ChangeSide, baseline: ChangeSide, params: ChangeParams): RetrievalChange['calibration'] {
  const from = Math.min(candidate.histogram.min, baseline.histogram.min);
  const to = Math.max(candidate.histogram.max, baseline.histogram.max);
  const base = displayHistogram(baseline.histogram, from, to);
  const cand = displayHistogram(candidate.histogram, from, to);
  const side = (s: ChangeSide, d: typeof base, point?: ThresholdPoint): CalibrationSide => ({
    name: s.name,
    ...(point ? { point } : {}),
    relevantPairs: s.histogram.relevantPairs,
    irrelevantPairs: s.histogram.irrelevantPairs,
    min: round(s.histogram.min),
    max: round(s.histogram.max),
    relevant: d.relevant.map((v) => round(v, 5)),
    irrelevant: d.irrelevant.map((v) => round(v, 5)),
  });
  const common = { x: cand.x.map((v) => round(v)), binWidth: cand.binWidth };
  const thresholdSource: 'suite' | 'default' = params.threshold === undefined ? 'default' : 'suite';
  const basePoint = params.threshold === undefined ? baseline.histogram.lowestThresholdWithPrecision(DEFAULT_THRESHOLD_PRECISION) : baseline.histogram.at(params.threshold);
  const fail = (note: string, point?: ThresholdPoint): RetrievalChange['calibration'] => ({ thresholdSource, note, reached: false, ...common, baseline: side(baseline, base, point), candidate: side(candidate, cand) });
  if (!basePoint) return fail(`no cut-off gives the baseline a precision of ${DEFAULT_THRESHOLD_PRECISION} on these pairs; give the threshold it uses as \`retrieval.threshold\``);
  if (basePoint.precision === undefined) return fail(`no pair scores ${basePoint.threshold} or more with the baseline: there is no precision to keep`, basePoint);
  const found = candidate.histogram.lowestThresholdWithPrecision(basePoint.precision);
  const how =
    thresholdSource === 'suite'
      ? `the suite's threshold ${basePoint.threshold} for the baseline`
      : `no threshold given: the baseline's lowest cut-off at which at least ${DEFAULT_THRESHOLD_PRECISION * 100} % of the pairs it keeps are relevant (${round(basePoint.threshold)})`;
  if (!found) {
    const best = candidate.histogram.bestPrecision();
    return fail(`${how} keeps precision ${round(basePoint.precision)}; no candidate cut-off reaches it (the candidate's best precision at any cut-off is ${round(best)})`, basePoint);
  }
  return {
    thresholdSource,
    note: `${how} keeps precision ${round(basePoint.precision)}; the candidate's lowest cut-off with at least that precision is ${round(found.threshold)} (a bin edge, 1/1024 of a cosine)`,
    reached: true,
    ...common,
    baseline: side(baseline, base, basePoint),
    candidate: side(candidate, cand, found),
  };
}

function migrationSide(s: ChangeSide, documents: number): MigrationSide {
  return { name: s.name, dimensions: s.dimensions, docsPerSecond: round(s.docsPerSecond, 3), seconds: round(documents / s.docsPerSecond, 3), indexBytes: documents * s.dimensions * 4 };
}

type Writer = MetricWriter<typeof RETRIEVAL_METRICS>;

/**
 * Everything users will see change.
 * @returns details.change and, per query, the nDCG@10 difference and the top-10 overlap
 */
export function describeChange(
  dataset: BeirDataset,
  queries: BeirDataset['queries'],
  candidate: ChangeSide,
  baseline: ChangeSide,
  params: ChangeParams,
): { change: RetrievalChange; perQuery: { delta: number; overlap: number }[] } {
  const summary = summariseDeltas(candidate.ndcg, baseline.ndcg, params.sameWithin);
  const overlaps = queries.map((_, q) => overlapAtK(candidate.rankings[q]!, baseline.rankings[q]!, 10));
  const moved = biggestMovers(summary.deltas, params.movers, params.sameWithin);
  const mover = (q: number): Mover => {
    const query = queries[q]!;
    const relevant = dataset.qrels.get(query.id)!;
    return {
      query: query.id,
      text: snippet(query.text, QUERY_TEXT),
      before: round(baseline.ndcg[q]!),
      after: round(candidate.ndcg[q]!),
      delta: round(summary.deltas[q]!),
      overlap: round(overlaps[q]!),
      beforeTop: topDocuments(dataset, relevant, baseline.rankings[q]!, baseline.topScores[q]!),
      afterTop: topDocuments(dataset, relevant, candidate.rankings[q]!, candidate.topScores[q]!),
    };
  };
  const calibration = calibrate(candidate, baseline, params);
  const documents = params.corpusSize ?? params.datasetDocuments;
  const migration: RetrievalChange['migration'] = {
    documents,
    documentsFrom: params.corpusSize === undefined ? 'dataset' : 'corpusSize',
    measuredOn: `the suite's own embedding of ${dataset.documents.length} corpus documents (with the document prefix, batches of ${params.batchSize}, 2 batches in flight)`,
    candidate: migrationSide(candidate, documents),
    baseline: migrationSide(baseline, documents),
  };

  return {
    change: {
      candidate: candidate.name,
      baseline: baseline.name,
      metric: 'ndcg_at_10',
      sameWithin: params.sameWithin,
      queries: { total: queries.length, better: summary.better, worse: summary.worse, same: summary.same, medianDelta: round(summary.medianDelta), meanDelta: round(mean(summary.deltas)) },
      overlap: { k: 10, mean: round(mean(overlaps)), median: round(median(overlaps)) },
      movers: { count: params.movers, top: MOVER_TOP, up: moved.up.map(mover), down: moved.down.map(mover) },
      calibration,
      migration,
    },
    perQuery: summary.deltas.map((delta, q) => ({ delta: round(delta), overlap: round(overlaps[q]!) })),
  };
}

/** The change's numbers as the candidate's metrics and, for threshold and migration, the baseline's. */
export function putChangeMetrics(change: RetrievalChange, out: { candidate: Writer; baseline: Writer }): void {
  const c = out.candidate;
  c.set('queries.better', change.queries.better);
  c.set('queries.worse', change.queries.worse);
  c.set('queries.same', change.queries.same);
  c.put('ndcg_at_10.diff.median', change.queries.medianDelta);
  c.put('overlap_at_10.mean', change.overlap.mean);
  c.put('overlap_at_10.median', change.overlap.median);
  const { calibration, migration } = change;
  for (const [w, side, cal] of [
    [c, migration.candidate, calibration.candidate],
    [out.baseline, migration.baseline, calibration.baseline],
  ] as const) {
    if (cal.point) {
      w.set('threshold', cal.point.threshold);
      w.put('threshold.precision', cal.point.precision);
      w.set('threshold.recall', cal.point.recall);
    }
    w.set('migration.documents', migration.documents);
    w.put('migration.reembed', side.seconds * 1000);
    w.set('migration.index_bytes', side.indexBytes);
  }
}
