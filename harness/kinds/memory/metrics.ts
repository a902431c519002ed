// What a memory suite measures: leak slopes per mode and series with their intervals and their
// slope over the last windows, the windows judged, cold start, memory peaks; and per window, the
// window's median memory.
import { metric as m, type MetricCatalog, type MetricSpec } from '../catalog.ts';
import { MEMORY_PEAK_METRICS } from '../server-side/memory-peaks.ts';

export const MEMORY_MODES = ['inprocess', 'http'] as const;
export type MemoryMode = (typeof MEMORY_MODES)[number];
export type LeakSeriesName = 'anon' | 'heap';
type SlopeName = `${MemoryMode}.leak.${LeakSeriesName}.slope${'' | '.ci_low' | '.ci_high' | '.tail'}`;

const slopes = Object.fromEntries(
  MEMORY_MODES.flatMap((mode) =>
    (['anon', 'heap'] as const).flatMap((series) => [
      [`${mode}.leak.${series}.slope`, m('bytes', `Theil–Sen slope per request of the window medians of ${series === 'anon' ? 'anonymous RSS' : 'V8 heap'} after warm-up (${mode === 'http' ? 'over HTTP' : 'in process'})`)],
      [`${mode}.leak.${series}.slope.ci_low`, m('bytes', `lower end of Sen's interval of ${mode}.leak.${series}.slope`)],
      [`${mode}.leak.${series}.slope.ci_high`, m('bytes', `upper end of Sen's interval of ${mode}.leak.${series}.slope`)],
      [`${mode}.leak.${series}.slope.tail`, m('bytes', `Theil–Sen slope per request over the last third of the windows (at least 3): is it still growing at the end`)],
    ]),
  ),
) as Record<SlopeName, MetricSpec>;

export const MEMORY_METRICS = {
  'leak.suspected': m('count', "series (anon or heap, per mode) that grow across the windows (Sen's interval above the allowance) and still at the end (last third's slope above it); not measured when a series could not be judged"),
  ...slopes,
  'inprocess.leak.windows': m('count', 'windows the in-process leak verdict was judged over'),
  'http.leak.windows': m('count', 'windows the HTTP leak verdict was judged over'),
  'inprocess.requests': m('count', 'embedding calls measured in process'),
  'http.requests': m('count', 'requests measured over HTTP'),
  'http.errors': m('count', 'failed requests over HTTP'),
  cold_start: m('ms', 'spawn to ready: embedgate serve answering /health 200 (gguf targets) or, in process, the worker ready'),
  'cold_start.inprocess': m('ms', 'in process: from opening the gguf target to its worker being ready'),
  ...MEMORY_PEAK_METRICS,
} as const satisfies MetricCatalog;

/** One window of a mode's measured span (label: the mode), as the leak verdict sees it. */
export const MEMORY_WINDOW_METRICS = {
  requests: m('count', 'requests served in the window'),
  errors: m('count', 'failed requests in the window'),
  'memory.rss': m('bytes', 'median RSS of the target processes in the window'),
  'memory.anon': m('bytes', 'median anonymous RSS in the window'),
  'memory.heap': m('bytes', 'median V8 heap in the window (targets with the heap probe)'),
  'memory.anon.after_gc': m('bytes', 'median anonymous RSS right after a forced full GC in the window (heap probe)'),
  'memory.heap.after_gc': m('bytes', 'median V8 heap right after a forced full GC in the window (heap probe)'),
  'memory.samples': m('count', 'memory samples taken in the window'),
} as const satisfies MetricCatalog;
