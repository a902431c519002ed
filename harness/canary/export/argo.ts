// The canary as Argo Rollouts runs it: a Rollout whose canary steps set each weight and pause for
// the analysis of that step, with a background analysis from the first step, and an
// AnalysisTemplate with one Prometheus metric per trigger. failureLimit 0 aborts the rollout at
// the first failed measurement (as embedgate's run rolls back at the first failed interval), and
// inconclusiveLimit is the suite's: a measurement with no value (too little traffic) is
// inconclusive, never a success.
import type { CanaryParams } from '../../kinds/canary/params.ts';
import { promDuration, triggerQueries } from './queries.ts';

/** Prometheus must keep the pods' rollouts-pod-template-hash label under this name (a relabel rule). */
export const HASH_LABEL = 'rollouts_pod_template_hash';

/** How long each step is held: its intervals, and at least the longest enabled trigger duration, so a trigger can fire within the step it belongs to. */
export function stepHoldMs(p: CanaryParams): number {
  const t = p.triggers;
  const durations = [t.memory.enabled ? t.memory.for : 0, t.latency.enabled ? t.latency.for : 0, t.silence.enabled ? t.silence.for : 0];
  return Math.max(p.export.interval * p.intervals, ...durations);
}

export function argoRollout(p: CanaryParams): Record<string, unknown> {
  const pause = promDuration(stepHoldMs(p));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: p.export.name, annotations: { 'embedgate.dev/exported-from': 'embedgate canary export' } },
    spec: {
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: p.export.name },
      strategy: {
        canary: {
          analysis: {
            templates: [{ templateName: `${p.export.name}-canary` }],
            startingStep: 0,
            args: [
              { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
              { name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } },
            ],
          },
          steps: p.steps.flatMap((w) => [{ setWeight: w }, { pause: { duration: pause } }]),
        },
      },
    },
  };
}

export function argoAnalysisTemplate(p: CanaryParams): Record<string, unknown> {
  const queries = triggerQueries(p, { canary: `${HASH_LABEL}="{{args.canary-hash}}"`, stable: `${HASH_LABEL}="{{args.stable-hash}}"` });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: `${p.export.name}-canary` },
    spec: {
      args: [{ name: 'canary-hash' }, { name: 'stable-hash' }],
      metrics: queries.map((q) => {
        const pass = q.max !== undefined ? `result[0] <= ${q.max}` : `result[0] >= ${q.min}`;
        const fail = q.max !== undefined ? `result[0] > ${q.max}` : `result[0] < ${q.min}`;
        return {
          name: q.trigger,
          interval: promDuration(p.export.interval),
          failureLimit: 0,
          inconclusiveLimit: p.inconclusiveLimit,
          // An empty result (no traffic, no series) meets neither: inconclusive, not a pass.
          successCondition: `len(result) > 0 && ${pass}`,
          failureCondition: `len(result) > 0 && ${fail}`,
          provider: { prometheus: { address: p.export.prometheus, query: q.query } },
        };
      }),
    },
  };
}
