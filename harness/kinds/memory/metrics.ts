// What a memory suite measures: leak slopes per mode and series with their intervals, cold start,
// memory peaks.
import { metric as m, type MetricCatalog, type MetricSpec } from '../catalog.ts';
import { MEMORY_PEAK_METRICS } from '../server-side/memory-peaks.ts';

export const MEMORY_MODES = ['inprocess', 'http'] as const;
export type MemoryMode = (typeof MEMORY_MODES)[number];
export type LeakSeriesName = 'anon' | 'heap';
type SlopeName = `${MemoryMode}.leak.${LeakSeriesName}.slope${'' | '.ci_low' | '.ci_high'}`;

const slopes = Object.fromEntries(
  MEMORY_MODES.flatMap((mode) =>
    (['anon', 'heap'] as const).flatMap((series) => [
      [`${mode}.leak.${series}.slope`, m('bytes', `least-squares slope of ${series === 'anon' ? 'anonymous RSS' : 'V8 heap'} per request after warm-up (${mode === 'http' ? 'over HTTP' : 'in process'})`)],
      [`${mode}.leak.${series}.slope.ci_low`, m('bytes', `lower end of the interval of ${mode}.leak.${series}.slope`)],
      [`${mode}.leak.${series}.slope.ci_high`, m('bytes', `upper end of the interval of ${mode}.leak.${series}.slope`)],
    ]),
  ),
) as Record<SlopeName, MetricSpec>;

export const MEMORY_METRICS = {
  'leak.suspected': m('count', 'series (anon or heap, per mode) whose slope interval excludes zero and whose slope exceeds the allowance'),
  ...slopes,
  'inprocess.requests': m('count', 'embedding calls measured in process'),
  'http.requests': m('count', 'requests measured over HTTP'),
  'http.errors': m('count', 'failed requests over HTTP'),
  cold_start: m('ms', 'spawn to ready: embedgate serve answering /health 200 (gguf targets) or, in process, the worker ready'),
  'cold_start.inprocess': m('ms', 'in process: from opening the gguf target to its worker being ready'),
  ...MEMORY_PEAK_METRICS,
} as const satisfies MetricCatalog;
