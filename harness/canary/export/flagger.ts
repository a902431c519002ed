// The canary as Flagger runs it: a Canary whose analysis steps through the same weights (Flagger
// promotes after the last step below 100 %), rolls back after `threshold` failed checks (1: the
// first, as embedgate's run does), and one MetricTemplate per trigger over the same Prometheus
// metrics as the Argo export. Flagger's canary pods are `<target>-…`, the primary's
// `<target>-primary-…`.
import type { CanaryParams } from '../../kinds/canary/params.ts';
import { promDuration, triggerQueries } from './queries.ts';

function selectors() {
  return {
    canary: 'namespace="{{ namespace }}", pod=~"{{ target }}-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"',
    stable: 'namespace="{{ namespace }}", pod=~"{{ target }}-primary-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"',
  };
}

export function flaggerMetricTemplates(p: CanaryParams): Record<string, unknown>[] {
  return triggerQueries(p, selectors()).map((q) => ({
    apiVersion: 'flagger.app/v1beta1',
    kind: 'MetricTemplate',
    metadata: { name: `${p.export.name}-${q.trigger}`, annotations: { 'embedgate.dev/trigger': q.note } },
    spec: { provider: { type: 'prometheus', address: p.export.prometheus }, query: q.query },
  }));
}

export function flaggerCanary(p: CanaryParams): Record<string, unknown> {
  const queries = triggerQueries(p, selectors());
  const weights = p.steps.filter((w) => w < 100);
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: p.export.name },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: p.export.name },
      service: { port: p.export.port },
      analysis: {
        interval: promDuration(p.export.interval),
        threshold: 1,
        ...(weights.length ? { stepWeights: weights } : { maxWeight: 100, stepWeight: 100 }),
        metrics: queries.map((q) => ({
          name: q.trigger,
          templateRef: { name: `${p.export.name}-${q.trigger}` },
          thresholdRange: q.max !== undefined ? { max: q.max } : { min: q.min },
          interval: promDuration(p.export.interval),
        })),
      },
    },
  };
}
