// `embedgate canary export`: a canary suite's procedure as Kubernetes documents for teams that roll
// out with Argo Rollouts or Flagger, written as YAML files into a folder: the Rollout and its
// AnalysisTemplate, the Flagger Canary and its MetricTemplates. A header in each file says where
// it came from and what the cluster needs (Prometheus scraping embedgate serve as job "embedgate").
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CanaryParams } from '../../kinds/canary/params.ts';
import { writeFileAtomicSync } from '../../write-atomic.ts';
import { argoAnalysisTemplate, argoRollout, HASH_LABEL, stepHoldMs } from './argo.ts';
import { flaggerCanary, flaggerMetricTemplates } from './flagger.ts';
import { promDuration } from './queries.ts';

export interface ExportedFile {
  file: string;
  documents: Record<string, unknown>[];
}

export function exportDocuments(p: CanaryParams): ExportedFile[] {
  return [
    { file: 'argo-rollout.yaml', documents: [argoRollout(p), argoAnalysisTemplate(p)] },
    { file: 'flagger-canary.yaml', documents: [flaggerCanary(p), ...flaggerMetricTemplates(p)] },
  ];
}

function header(suite: string, p: CanaryParams, file: string): string {
  const lines = [
    `Exported by \`embedgate canary export\` from suite "${suite}": steps ${p.steps.join(' → ')} %, analysis every ${promDuration(p.export.interval)}, each step held ${promDuration(stepHoldMs(p))}.`,
    'Trigger durations are the plan’s nightly values (the suite’s timeScale applies to its own short runs only).',
    `Prometheus at ${p.export.prometheus} must scrape embedgate serve as job "embedgate" (monitoring/embedgate-rules.yaml).`,
    file.startsWith('argo')
      ? `Argo: keep the pods' rollouts-pod-template-hash label as ${HASH_LABEL} (relabel __meta_kubernetes_pod_label_rollouts_pod_template_hash).`
      : 'Flagger: the metrics select pods by namespace and pod name ({{ target }}-… is the canary, {{ target }}-primary-… the primary).',
  ];
  return lines.map((l) => `# ${l}`).join('\n') + '\n';
}

export function writeExport(suite: string, p: CanaryParams, dir: string): string[] {
  return exportDocuments(p).map(({ file, documents }) => {
    const path = join(dir, file);
    writeFileAtomicSync(path, header(suite, p, file) + documents.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join(''));
    return path;
  });
}
