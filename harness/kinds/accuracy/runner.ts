// Fidelity: embed the texts a golden file was recorded from and compare vector by vector.
// Refuses golden vectors recorded for another model: that would measure the wrong thing.
import { dirname, resolve } from 'node:path';
import { readGolden, sha256Text } from '../../golden.ts';
import { cosine, normalisedSquaredError } from '../../metrics/vector-math.ts';
import { mean, percentileOfSorted } from '../../metrics/statistics.ts';
import { emptyHygiene, finishHygiene, inspectVectors } from '../../metrics/vector-hygiene.ts';
import { need } from '../../targets/target.ts';
import { metricWriter } from '../catalog.ts';
import type { Runner } from '../runner.ts';
import { ACCURACY_METRICS } from './metrics.ts';
import type { AccuracyParams } from './params.ts';

const BATCH = 16;

export class GoldenMismatchError extends Error {}

export const runAccuracy: Runner = async ({ plan, target: given, compare, emit, signal }) => {
  const target = need(given, `accuracy suite "${plan.name}"`, 'info', 'embed');
  if (compare) {
    throw new Error(`${plan.file}: an accuracy suite compares its target with golden vectors; remove "compare:" (each model needs its own golden file)`);
  }
  const params = plan.params as AccuracyParams;
  const goldenPath = resolve(dirname(plan.file), params.golden);
  const golden = readGolden(goldenPath);
  const info = target.info();

  if (golden.model.sha256 !== info.sha256 && !params.allowOtherModel) {
    throw new GoldenMismatchError(
      `golden vectors ${goldenPath} were recorded for model sha256 ${golden.model.sha256.slice(0, 12)}… (${golden.model.name}), ` +
        `but the target ${info.path} has sha256 ${info.sha256.slice(0, 12)}…. Re-record them with ` +
        `"embedgate record-golden --model ${info.name} --out ${params.golden}", or set accuracy.allowOtherModel: true to compare across models on purpose`,
    );
  }

  // Embed exactly the strings the golden file was recorded from, with its prefixes.
  const inputs = golden.items.map((item) => (item.role === 'query' ? golden.prefixes.query : golden.prefixes.document) + item.text);
  const editedTexts = golden.items.filter((item, i) => item.textSha256 !== sha256Text(inputs[i]!)).map((item) => item.id);
  if (editedTexts.length > 0) {
    throw new GoldenMismatchError(`golden file ${goldenPath}: text hash differs for ${editedTexts.join(', ')}; the file was edited by hand, re-record it`);
  }

  const hygiene = emptyHygiene();
  const cosines: { id: string; cosine: number }[] = [];
  const errors: number[] = [];
  let dimensionMismatches = 0;
  // Token counts are compared only when both the golden file and the target know them.
  const compareTokens = Boolean(target.embedDetailed) && golden.items.every((item) => item.tokens !== undefined);
  const tokenMismatches: { id: string; golden: number; now: number }[] = [];
  for (let start = 0; start < inputs.length; start += BATCH) {
    signal.throwIfAborted();
    const batch = inputs.slice(start, start + BATCH);
    const { vectors, tokens } = compareTokens ? await target.embedDetailed!(batch) : { vectors: await target.embed(batch), tokens: undefined };
    inspectVectors(hygiene, vectors, info.dimensions);
    vectors.forEach((vector, j) => {
      const item = golden.items[start + j]!;
      if (vector.length !== item.vector.length) dimensionMismatches++;
      const now = tokens?.[j];
      if (compareTokens && now !== undefined && now !== item.tokens) tokenMismatches.push({ id: item.id, golden: item.tokens!, now });
      cosines.push({ id: item.id, cosine: cosine(vector, item.vector) });
      errors.push(normalisedSquaredError(vector, item.vector));
    });
    emit({ type: 'progress', suite: plan.name, phase: 'embedding golden texts', done: Math.min(inputs.length, start + BATCH), total: inputs.length });
  }

  finishHygiene(hygiene);
  for (const c of cosines) emit({ type: 'sample', suite: plan.name, name: 'cosine', value: c.cosine, unit: 'score', attrs: { id: c.id } });
  // A NaN cosine (zero vector, wrong length) is the worst possible agreement, not a missing value.
  const sorted = cosines.map((c) => (Number.isNaN(c.cosine) ? -1 : c.cosine)).sort((a, b) => a - b);
  const finiteErrors = errors.filter(Number.isFinite);
  const out = metricWriter(ACCURACY_METRICS);
  out.set('cosine.min', sorted[0]!);
  out.set('cosine.p1', percentileOfSorted(sorted, 1));
  out.set('cosine.mean', mean(sorted));
  out.set('items', cosines.length);
  out.set('dimension.mismatches', dimensionMismatches);
  out.set('vectors.invalid', hygiene.invalid);
  if (finiteErrors.length > 0) out.set('nmse', mean(finiteErrors));
  if (compareTokens) out.set('tokens.mismatches', tokenMismatches.length);
  const metrics = out.metrics;

  const worst = [...cosines].sort((a, b) => (a.cosine || -1) - (b.cosine || -1)).slice(0, 5);
  return {
    metrics,
    details: {
      golden: { file: goldenPath, model: golden.model, recordedAt: golden.recordedAt, items: golden.items.length },
      tokenMismatches: tokenMismatches.slice(0, 10),
      crossModel: golden.model.sha256 !== info.sha256,
      worstItems: worst,
      vectorFaults: hygiene.faults,
    },
  };
};
