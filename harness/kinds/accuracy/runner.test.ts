// Fidelity on in-process fakes: exact vectors pass, vectors carrying small noise (cosine about
// 0.995, the size of a broken quantization) fail the default 0.999 check. (Golden files recorded
// for another model are refused: see harness/cli.test.ts.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCheck } from '../../gates/evaluate.ts';
import { parseCheck } from '../../gates/parse.ts';
import { GOLDEN_SCHEMA_VERSION, sha256Text, type GoldenFile } from '../../golden.ts';
import { hashString, Prng } from '../../random.ts';
import type { SuitePlan } from '../../plan.ts';
import type { ModelInfo } from '../../result.ts';
import type { EmbeddingTarget } from '../../targets/target.ts';
import { decodeParams } from '../params.ts';
import { ACCURACY_PARAMS } from './params.ts';
import { runAccuracy } from './runner.ts';

const DIMS = 128;
const SHA = 'a'.repeat(64);
const info: ModelInfo = {
  name: 'fake', path: '/fake.gguf', sha256: SHA, fileSize: 1, architecture: 'fake', dimensions: DIMS, pooling: 'mean',
  contextLength: 512, queryPrefix: 'q: ', documentPrefix: 'd: ',
};
const clean = (text: string) => new Prng(hashString(text)).gaussians(DIMS, 1);

function goldenFile(tokens?: (text: string) => number): string {
  const texts = Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, role: (i % 2 ? 'query' : 'document') as 'query' | 'document', text: `text number ${i}` }));
  const golden: GoldenFile = {
    schemaVersion: GOLDEN_SCHEMA_VERSION, kind: 'embedgate-golden', recordedAt: '2026-01-01T00:00:00Z', harnessVersion: '0.0.0',
    model: { name: 'fake', sha256: SHA, architecture: 'fake', dimensions: DIMS, pooling: 'mean', fileSize: 1 },
    prefixes: { query: 'q: ', document: 'd: ' },
    items: texts.map((t) => {
      const input = (t.role === 'query' ? 'q: ' : 'd: ') + t.text;
      return { ...t, textSha256: sha256Text(input), ...(tokens ? { tokens: tokens(input) } : {}), vector: Array.from(clean(input)) };
    }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'embedgate-golden-'));
  writeFileSync(join(dir, 'golden.json'), JSON.stringify(golden));
  return join(dir, 'golden.json');
}

function target(vector: (text: string) => Float32Array): EmbeddingTarget {
  return { describe: () => ({ ref: 'fake', kind: 'gguf' }), info: () => info, embed: async (texts) => texts.map(vector), close: async () => {} };
}

const file = goldenFile();
const plan: SuitePlan = {
  name: 'fidelity', kind: 'accuracy', file: join(file, '..', 'suite.yaml'), fileSha256: '', target: { type: 'gguf', name: 'fake' },
  params: decodeParams(ACCURACY_PARAMS, { golden: 'golden.json' }), checks: [], timeoutMs: 60_000,
};
const run = (t: EmbeddingTarget) => runAccuracy({ plan, target: t, emit: () => {}, window: () => {}, signal: new AbortController().signal, seed: 1 });
const check = (source: string, metrics: Awaited<ReturnType<typeof run>>['metrics']) => evaluateCheck(parseCheck(source), { self: metrics, machine: {} }).status;

describe('fidelity against golden vectors', () => {
  it('passes the same vectors', async () => {
    const out = await run(target(clean));
    expect(out.metrics['cosine.min']!.value).toBeCloseTo(1, 6);
    expect(out.metrics.nmse!.value).toBeLessThan(1e-10);
    expect(check('cosine.min >= 0.999', out.metrics)).toBe('pass');
  });

  it('fails vectors carrying small noise (cosine about 0.995)', async () => {
    // Noise of norm 0.1 relative to the vector: cosine ≈ 1/√(1 + 0.01) ≈ 0.995.
    const noisy = (text: string) => {
      const v = clean(text);
      const n = new Prng(hashString(text, 7)).gaussians(DIMS, 1);
      const scale = (0.1 * Math.hypot(...v)) / Math.hypot(...n);
      return v.map((x, i) => x + n[i]! * scale);
    };
    const out = await run(target(noisy));
    const min = out.metrics['cosine.min']!.value;
    expect(min).toBeGreaterThan(0.99);
    expect(min).toBeLessThan(0.997);
    expect(out.metrics['cosine.mean']!.value).toBeCloseTo(0.995, 2);
    expect(out.metrics.nmse!.value).toBeCloseTo(0.01, 2);
    expect(check('cosine.min >= 0.999', out.metrics)).toBe('fail');
    expect(out.metrics['vectors.invalid']!.value).toBe(0);
  });

  it('counts a wrong-dimension vector as a mismatch and an invalid vector', async () => {
    const out = await run(target((text) => (text.endsWith(' 3') ? clean(text).slice(0, DIMS - 1) : clean(text))));
    expect(out.metrics['dimension.mismatches']!.value).toBe(1);
    expect(out.metrics['vectors.invalid']!.value).toBe(1);
    expect(out.metrics['cosine.min']!.value).toBe(-1);
  });

  it('counts texts whose token count changed (a tokenizer change), when both sides know tokens', async () => {
    const words = (text: string) => text.split(' ').length;
    const withTokens = goldenFile(words);
    const tokenPlan = { ...plan, file: join(withTokens, '..', 'suite.yaml') };
    // The target's tokenizer now splits "number" into two pieces: every text changes count.
    const detailed: EmbeddingTarget = {
      ...target(clean),
      embedDetailed: async (texts) => ({ vectors: texts.map(clean), tokens: texts.map((t) => words(t) + (t.includes('number') ? 1 : 0)) }),
    };
    const out = await runAccuracy({ plan: tokenPlan, target: detailed, emit: () => {}, window: () => {}, signal: new AbortController().signal, seed: 1 });
    expect(out.metrics['tokens.mismatches']!.value).toBe(40);
    expect(check('tokens.mismatches == 0', out.metrics)).toBe('fail');
    const same: EmbeddingTarget = { ...target(clean), embedDetailed: async (texts) => ({ vectors: texts.map(clean), tokens: texts.map(words) }) };
    const ok = await runAccuracy({ plan: tokenPlan, target: same, emit: () => {}, window: () => {}, signal: new AbortController().signal, seed: 1 });
    expect(ok.metrics['tokens.mismatches']!.value).toBe(0);
    // Without token counts on either side the metric is not reported, so a check on it is inconclusive.
    expect((await run(target(clean))).metrics['tokens.mismatches']).toBeUndefined();
  });
});
