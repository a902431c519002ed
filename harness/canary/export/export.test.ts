// The exported Argo Rollouts and Flagger documents validate against the published CRD schemas
// (Argo Rollouts' rollout and analysis-template CRDs, Flagger's crd.yaml), read in place from the
// folder EMBEDGATE_CRD_SCHEMAS names (by default shared/schemas beside the repository), never
// copied into the repository, with unknown fields
// refused as `kubectl apply --validate=strict` refuses them; each trigger of the suite is a metric
// in both, with the plan's nightly durations whatever the suite's timeScale; `embedgate canary
// export` writes them through the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeParams } from '../../kinds/params.ts';
import { CANARY_PARAMS, type CanaryParams } from '../../kinds/canary/params.ts';
import { exportDocuments } from './export.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SCHEMAS = process.env['EMBEDGATE_CRD_SCHEMAS'] ?? join(ROOT, '..', 'shared', 'schemas');
const present = existsSync(SCHEMAS);
const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
if (!PROMTOOL) console.warn('SKIPPED: no promtool (apt-get install prometheus): the exported PromQL is not parsed');
if (!present) console.warn(`SKIPPED: the CRD schemas are not at ${SCHEMAS} (set EMBEDGATE_CRD_SCHEMAS to a folder holding argo-rollouts/ and flagger/ CRDs); the export is not validated`);

/** Strict like the API server's field validation: where a schema lists properties and allows no others, unknown fields fail. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const s = Object.fromEntries(Object.entries(schema as Record<string, unknown>).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, strict(pv)])) : strict(v)]));
  if (s['properties'] && s['additionalProperties'] === undefined && !s['x-kubernetes-preserve-unknown-fields']) s['additionalProperties'] = false;
  return s;
}

function validators(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const byKind = new Map<string, ValidateFunction>();
  for (const file of ['argo-rollouts/rollout-crd.yaml', 'argo-rollouts/analysis-template-crd.yaml', 'flagger/crd.yaml']) {
    for (const doc of parseAllDocuments(readFileSync(join(SCHEMAS, file), 'utf8'))) {
      const crd = doc.toJS() as { spec?: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] } } | null;
      if (!crd?.spec) continue;
      for (const v of crd.spec.versions) byKind.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(strict(v.schema.openAPIV3Schema) as object));
    }
  }
  return byKind;
}

const params = (extra: Record<string, unknown> = {}): CanaryParams => decodeParams(CANARY_PARAMS, { expect: { promoted: true }, timeScale: 0.01, ...extra }) as CanaryParams;

describe.skipIf(!present)('canary export against the CRD schemas', () => {
  const byKind = present ? validators() : new Map<string, ValidateFunction>();
  const validate = (doc: Record<string, unknown>) => {
    const [group, version] = String(doc['apiVersion']).split('/');
    const v = byKind.get(`${group}/${version}/${doc['kind']}`);
    if (!v) throw new Error(`no CRD schema for ${doc['apiVersion']} ${doc['kind']}`);
    return v(doc) ? [] : v.errors!.map((e) => `${doc['kind']}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`);
  };

  it('every exported document validates, and the validator refuses a misspelt field', () => {
    const docs = exportDocuments(params()).flatMap((f) => f.documents);
    expect(docs.map((d) => d['kind'])).toEqual(['Rollout', 'AnalysisTemplate', 'Canary', 'MetricTemplate', 'MetricTemplate', 'MetricTemplate', 'MetricTemplate', 'MetricTemplate']);
    for (const d of docs) expect(validate(d)).toEqual([]);
    const rollout = structuredClone(docs[0]!) as { spec: { strategy: { canary: { steps: Record<string, unknown>[] } } } };
    rollout.spec.strategy.canary.steps[0] = { setWieght: 10 };
    expect(validate(rollout as never).join('\n')).toMatch(/steps\/0: must NOT have additional properties.*setWieght/);
  });

  it('steps, limits and every trigger are in both, at the nightly durations', () => {
    const [argo, flagger] = exportDocuments(params({ steps: [5, 25, 100], inconclusiveLimit: 3 }));
    const rollout = argo!.documents[0] as { spec: { strategy: { canary: { steps: unknown[] } } } };
    expect(rollout.spec.strategy.canary.steps).toEqual([{ setWeight: 5 }, { pause: { duration: '10m' } }, { setWeight: 25 }, { pause: { duration: '10m' } }, { setWeight: 100 }, { pause: { duration: '10m' } }]);
    const metrics = (argo!.documents[1] as { spec: { metrics: { name: string; failureLimit: number; inconclusiveLimit: number; successCondition: string; provider: { prometheus: { query: string } } }[] } }).spec.metrics;
    expect(metrics.map((m) => m.name)).toEqual(['error-rate', 'memory', 'latency', 'corruption', 'silence']);
    expect(metrics.every((m) => m.failureLimit === 0 && m.inconclusiveLimit === 3 && m.successCondition.startsWith('len(result) > 0'))).toBe(true);
    const query = (name: string) => metrics.find((m) => m.name === name)!.provider.prometheus.query;
    expect(query('memory')).toContain('[5m:]');
    expect(query('latency')).toContain('[10m:1m]');
    expect(query('silence')).toContain('[3m]');
    expect(query('error-rate')).toContain('embedgate_http_requests_total');
    const canary = flagger!.documents[0] as { spec: { analysis: { stepWeights: number[]; threshold: number; metrics: { name: string; thresholdRange: object }[] } } };
    expect(canary.spec.analysis.stepWeights).toEqual([5, 25]);
    expect(canary.spec.analysis.threshold).toBe(1);
    expect(canary.spec.analysis.metrics.map((m) => [m.name, m.thresholdRange])).toEqual([['error-rate', { max: 0.05 }], ['memory', { max: 0.9 }], ['latency', { max: 5 }], ['corruption', { max: 0 }], ['silence', { min: 1 }]]);
  });

  // promtool parses each query as a rule's expression: a PromQL typo in the export would fail here.
  it.skipIf(!PROMTOOL)('every exported query is valid PromQL (promtool check rules)', () => {
    const [argo, flagger] = exportDocuments(params());
    const queries = [
      ...(argo!.documents[1] as { spec: { metrics: { provider: { prometheus: { query: string } } }[] } }).spec.metrics.map((m) => m.provider.prometheus.query),
      ...flagger!.documents.slice(1).map((d) => (d as { spec: { query: string } }).spec.query),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-canary-promql-'));
    try {
      const rules = { groups: [{ name: 'exported', rules: queries.map((q, i) => ({ record: `exported:q${i}`, expr: q })) }] };
      writeFileSync(join(dir, 'rules.yaml'), JSON.stringify(rules));
      const check = spawnSync(PROMTOOL!, ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a disabled trigger is left out of both exports', () => {
    const [argo, flagger] = exportDocuments(params({ triggers: { latency: { enabled: false } } }));
    expect((argo!.documents[1] as { spec: { metrics: { name: string }[] } }).spec.metrics.map((m) => m.name)).not.toContain('latency');
    expect(flagger!.documents.length).toBe(1 + 4);
  });

  it('embedgate canary export writes both files from a suite, and refuses a suite of another kind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-canary-export-'));
    try {
      const suite = join(dir, 'canary.yaml');
      writeFileSync(suite, 'suite: c\nkind: canary\ntarget: { gguf: candidate }\ncompare: { gguf: baseline }\ncanary:\n  timeScale: 0.01\n  expect: { promoted: true }\nchecks:\n  - expectation.met == 1\n');
      const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'embedgate.mjs'), 'canary', 'export', suite, '--out', join(dir, 'k8s')], { cwd: ROOT, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      for (const file of ['argo-rollout.yaml', 'flagger-canary.yaml']) {
        const docs = parseAllDocuments(readFileSync(join(dir, 'k8s', file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
        for (const d of docs) expect(validate(d)).toEqual([]);
      }
      const other = spawnSync(process.execPath, [join(ROOT, 'bin', 'embedgate.mjs'), 'canary', 'export', join(ROOT, 'suites', 'bench-embed.yaml')], { cwd: ROOT, encoding: 'utf8' });
      expect(other.status).toBe(2);
      expect(other.stderr).toContain('canary export takes one suite of kind canary');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
