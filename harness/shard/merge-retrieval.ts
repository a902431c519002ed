// One retrieval suite from the vectors of every shard: each shard embedded its share of the corpus
// (retrieval-shard.ts); here the shares are checked to belong together (one dataset revision, one
// seed, the same models by sha256 and dimensions), the union is checked to hold every document and
// query of the subset exactly once, and the retrieval kind's own scoreRetrieval ranks and scores it,
// so the merged metrics, the bootstrap interval and the change section are those of one run.
import { join } from 'node:path';
import type { PlannedSuiteSummary } from '../events.ts';
import { evaluateCheck } from '../gates/evaluate.ts';
import { parseCheck } from '../gates/parse.ts';
import { judgeSuite } from '../gates/verdict.ts';
import { loadRetrievalDataset, scoreRetrieval, subsetDataset, type Embedded } from '../kinds/retrieval/runner.ts';
import { emptyHygiene, finishHygiene, inspectVectors } from '../metrics/vector-hygiene.ts';
import type { CheckResult, Metrics, SuiteResult } from '../result.ts';
import { MergeInputError, type Shard } from './collect.ts';
import { readVectors, type VectorsHeader, type VectorSide } from './retrieval-vectors.ts';

interface Part {
  shard: Shard;
  result: SuiteResult;
  header: VectorsHeader;
  sides: VectorSide[];
}

const notJudged = (plan: PlannedSuiteSummary | undefined, why: string): CheckResult[] =>
  (plan?.checks ?? []).map((c) => ({ source: c.source, status: 'inconclusive', operator: c.operator, detail: `not judged: ${why}`, ...(c.position ? { position: c.position } : {}), ...(c.implicit ? { implicit: true } : {}) }) as CheckResult);

/** Throws MergeInputError when a shard's vectors disagree with the first shard's on `field`. */
function agree(suite: string, parts: Part[], field: string, of: (p: Part) => unknown): void {
  const first = parts[0]!;
  const want = JSON.stringify(of(first));
  for (const p of parts.slice(1)) {
    const got = JSON.stringify(of(p));
    if (got !== want) {
      throw new MergeInputError(
        `suite ${suite}: shard ${p.header.shard.index} (${p.shard.dir}) has ${field} ${got}, but shard ${first.header.shard.index} (${first.shard.dir}) has ${want}; ` +
          'every shard must embed the same dataset revision with the same models and seed',
      );
    }
  }
}

/** Where each id of `expected` sits among the shards' ids: [part, position]; duplicates and strangers throw, missing ids are returned. */
function place(suite: string, what: 'document' | 'query', expected: readonly string[], parts: Part[], ids: (h: VectorsHeader) => string[]): { at: Map<string, [number, number]>; missing: string[] } {
  const at = new Map<string, [number, number]>();
  const wanted = new Set(expected);
  parts.forEach((p, pi) =>
    ids(p.header).forEach((id, i) => {
      const twin = at.get(id);
      if (twin) throw new MergeInputError(`suite ${suite}: ${what} ${id} was embedded by shard ${parts[twin[0]]!.header.shard.index} and by shard ${p.header.shard.index}: each must be in one shard's vectors only`);
      if (!wanted.has(id)) throw new MergeInputError(`suite ${suite}: shard ${p.header.shard.index} (${p.shard.dir}) embedded ${what} ${id}, which the dataset subset does not hold`);
      at.set(id, [pi, i]);
    }),
  );
  return { at, missing: expected.filter((id) => !at.has(id)) };
}

export function mergeRetrievalSuite(name: string, plan: PlannedSuiteSummary | undefined, shards: Shard[], problems: string[], machine: Metrics): SuiteResult {
  const results = shards.flatMap((shard) => {
    const result = shard.report!.suites.find((r) => r.name === name);
    return result ? [{ shard, result }] : [];
  });
  const base = results[0]?.result;
  const inconclusive = (why: string, common?: Partial<SuiteResult>): SuiteResult => ({
    name, kind: 'retrieval', file: plan?.file ?? '', fileSha256: plan?.fileSha256 ?? '', target: { ref: '?', kind: '?' }, startedAt: '', durationMs: 0, ...common,
    outcome: 'inconclusive', reason: why, metrics: {}, checks: notJudged(plan, why),
  });
  if (!base) return inconclusive('no shard ran this suite');
  const common = { name, kind: base.kind, file: base.file, fileSha256: base.fileSha256, target: base.target, ...(base.compare ? { compare: base.compare } : {}), startedAt: results.map((r) => r.result.startedAt).sort()[0]!, durationMs: Math.max(...results.map((r) => r.result.durationMs)) };
  const broken = results.filter((r) => !(r.result.details as { shard?: unknown } | undefined)?.shard).map((r) => `shard ${r.shard.meta.index} did not embed its share of suite ${name}: ${r.result.reason ?? 'no vectors'}`);
  if (problems.length || broken.length) return inconclusive([...problems, ...broken].join('; '), common);

  const parts: Part[] = results.map(({ shard, result }) => {
    const file = join(shard.dir, (result.details as { shard: { vectorsFile: string } }).shard.vectorsFile);
    try {
      return { shard, result, ...readVectors(file) };
    } catch (err) {
      throw new MergeInputError(`suite ${name}: shard ${shard.meta.index}'s vectors cannot be read: ${(err as Error).message}`);
    }
  });
  agree(name, parts, 'dataset revision', (p) => p.header.dataset.revision);
  agree(name, parts, 'seed', (p) => p.header.seed);
  agree(name, parts, 'models (role, sha256)', (p) => p.header.sides.map((s) => [s.role, s.model.sha256]));
  agree(name, parts, 'dimensions', (p) => p.header.sides.map((s) => s.model.dimensions));
  const { params, seed } = parts[0]!.header;

  let full;
  try {
    full = loadRetrievalDataset(params, common.file);
  } catch (err) {
    throw new MergeInputError(`suite ${name}: the merge ranks and scores on the dataset the shards embedded, and cannot read it here: ${(err as Error).message}; run the merge in a checkout where the suite's dataset is at the same place`);
  }
  if (full.revision !== parts[0]!.header.dataset.revision) {
    throw new MergeInputError(`suite ${name}: the dataset here (${full.dir}) is at revision ${full.revision}, but the shards embedded revision ${parts[0]!.header.dataset.revision}; merge where the dataset is the one the shards read`);
  }
  const dataset = subsetDataset(full, params, seed);
  const docs = place(name, 'document', dataset.documents.map((d) => d.id), parts, (h) => h.documentIds);
  const qs = place(name, 'query', dataset.queries.map((q) => q.id), parts, (h) => h.queryIds);
  if (docs.missing.length || qs.missing.length) {
    const n = parts[0]!.header.shard.count;
    const gap = (what: string, ids: string[], all: string[]) => `${ids.length} ${what} in no shard's vectors (first: ${ids[0]}, index ${all.indexOf(ids[0]!)}, shard ${all.indexOf(ids[0]!) % n}'s)`;
    const why = [docs.missing.length ? gap('documents', docs.missing, dataset.documents.map((d) => d.id)) : '', qs.missing.length ? gap('queries', qs.missing, dataset.queries.map((q) => q.id)) : ''].filter(Boolean).join('; ');
    return inconclusive(`suite ${name}: the union of the shards' vectors is not the corpus: ${why}`, common);
  }

  // The union in the subset's order, with the vector hygiene of one run over it.
  const union = (side: number): Embedded => {
    const pick = (ids: string[], at: Map<string, [number, number]>, key: 'documents' | 'queries') => ids.map((id) => { const [p, i] = at.get(id)!; return parts[p]!.sides[side]![key][i]!; });
    const documents = pick(dataset.documents.map((d) => d.id), docs.at, 'documents');
    const queries = pick(dataset.queries.map((q) => q.id), qs.at, 'queries');
    const dims = parts[0]!.sides[side]!.header.model.dimensions;
    const hygiene = emptyHygiene();
    inspectVectors(hygiene, documents, dims);
    inspectVectors(hygiene, queries, dims);
    finishHygiene(hygiene, params.normalised === undefined ? {} : { normalised: params.normalised });
    // Summed: the rate of one embedder like the shards', as a run on one machine measures it.
    const seconds = (key: 'documentSeconds' | 'querySeconds') => parts.reduce((a, p) => a + p.sides[side]!.header[key], 0);
    return { documents, queries, documentSeconds: seconds('documentSeconds'), querySeconds: seconds('querySeconds'), hygiene };
  };
  const sides = parts[0]!.sides.map((s, i) => ({ info: s.header.model, embedded: union(i), role: s.header.role }));
  const target = sides.find((s) => s.role === 'target')!;
  const compare = sides.find((s) => s.role === 'compare');
  const output = scoreRetrieval({ params, seed, full, dataset, target, ...(compare ? { compare } : {}) });

  const checks = (plan?.checks ?? []).map((c): CheckResult => {
    if (c.window) return { source: c.source, status: 'inconclusive', operator: c.operator, detail: 'retrieval suites emit no windows', ...(c.position ? { position: c.position } : {}) } as CheckResult;
    return {
      ...evaluateCheck(parseCheck(c.source), { self: output.metrics, ...(output.baselineMetrics ? { baseline: output.baselineMetrics } : {}), machine, ...(output.unmeasured ? { unmeasured: output.unmeasured } : {}) }),
      source: c.source,
      ...(c.position ? { position: c.position } : {}),
      ...(c.implicit ? { implicit: true } : {}),
    };
  });
  const judged = judgeSuite(checks, output.inconclusive);
  return {
    ...common,
    outcome: judged.outcome,
    ...(judged.reason ? { reason: judged.reason } : {}),
    metrics: output.metrics,
    ...(output.baselineMetrics ? { baselineMetrics: output.baselineMetrics } : {}),
    checks,
    details: {
      ...output.details,
      shards: parts.map((p) => ({ shard: p.header.shard.index, documents: p.header.documentIds.length, queries: p.header.queryIds.length, embedding: (p.result.details as { shard: { embedding: unknown } }).shard.embedding })),
      merge: 'each shard embedded documents and queries k with k mod n = its index; ranked and scored here on the union of the vectors by the retrieval kind\'s own code; embedding seconds added over shards (docs_per_second is one embedder\'s rate)',
    },
  };
}
