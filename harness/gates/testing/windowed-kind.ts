// A suite kind for tests of checks over windows. Its runner embeds one text through the target per
// window (real work on a real target) and reports each window's p95 from the suite's script, so a
// test decides exactly which window fails. Injected through LoadContext.kinds and RunOptions.kinds.
import { defineKind } from '../../kinds/kind.ts';
import { metric } from '../../kinds/catalog.ts';
import { JsonSchema } from '../../kinds/params.ts';
import { SUITE_KINDS, type KindRegistry } from '../../kinds/registry.ts';
import type { Runner } from '../../kinds/runner.ts';
import { need } from '../../targets/target.ts';

interface WindowedParams {
  /** The p95 each window reports, in ms; one window per entry. */
  p95?: number[];
  /** How long each window spans, in ms of suite time (default 1000). */
  windowMs?: number;
}

const runWindowed: Runner = async ({ plan, target, window, signal }) => {
  const params = plan.params as WindowedParams;
  const span = params.windowMs ?? 1000;
  const embedder = need(target, `windowed suite "${plan.name}"`, 'embed');
  let emitted = 0;
  for (const [i, p95] of (params.p95 ?? []).entries()) {
    if (signal.aborted) break;
    await embedder.embed([`window ${i + 1}`]);
    window({ startMs: i * span, endMs: (i + 1) * span, metrics: { 'latency.p95': { value: p95, unit: 'ms' }, requests: { value: 1, unit: 'count' } } });
    emitted++;
  }
  return { metrics: { 'windows.emitted': { value: emitted, unit: 'count' } } };
};

export const windowed = defineKind({
  name: 'windowed',
  description: 'test kind: scripted windows over a real target',
  params: JsonSchema<WindowedParams>({
    type: 'object',
    additionalProperties: false,
    properties: {
      p95: { type: 'array', items: { type: 'number', minimum: 0 }, description: 'p95 of each window in ms' },
      windowMs: { type: 'integer', minimum: 1, description: 'span of a window in ms (default 1000)' },
    },
  }),
  metrics: { 'windows.emitted': metric('count', 'windows the runner reported before it stopped') },
  windowMetrics: {
    'latency.p95': metric('ms', 'p95 latency of the window'),
    requests: metric('count', 'requests finished in the window'),
  },
  runner: async () => runWindowed,
});

/** The registry's kinds plus `windowed`. */
export const KINDS_WITH_WINDOWED: KindRegistry = { ...SUITE_KINDS, windowed };
