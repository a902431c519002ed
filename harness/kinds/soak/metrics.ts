// What a soak suite measures. Per window (reported as it closes, for checks over windows and the
// report's time series): the slice's load with full request accounting, its latency (the encoded
// HDR histogram rides on the window event), the cache, the target's memory, worker restarts, and
// the harness's own RSS. Per suite: the same accounting over the whole run, and the statistics
// across windows the plan's checks read (latency variation, availability, memory growth).
import { latencyCatalog, metric as m, type MetricCatalog } from '../catalog.ts';
import { LOAD_WINDOW_METRICS, loadTotalCatalog } from '../server-side/load-window.ts';

export const SOAK_WINDOW_METRICS = {
  ...LOAD_WINDOW_METRICS,
  'responses.invalid': m('count', 'checked 2xx answers found wrong in the window'),
  availability: m('ratio', '2xx answers that passed their check / requests sent, in the window'),
  'cache.hit_rate': m('ratio', 'server cache hits / lookups of texts sent before, in the window (embedgate serve’s /metrics)'),
  'memory.rss': m('bytes', 'median resident memory of the target (server and worker) in the window'),
  'memory.anon': m('bytes', 'median anonymous resident memory of the target in the window (after a forced GC when the heap probe runs)'),
  'memory.file': m('bytes', 'median file-backed resident memory of the target in the window (the mmapped model)'),
  'memory.heap': m('bytes', 'median V8 heap in use over the target’s Node processes in the window (after a forced GC when the probe forces them)'),
  'memory.oom': m('count', 'out-of-memory evidence that appeared in the window'),
  'worker.restarts': m('count', 'worker restarts embedgate serve reported during the window (/health)'),
  'target.exited': m('count', '1 when the target’s server process was gone at the window’s end and the harness had not stopped it: a crash'),
  'harness.rss': m('bytes', 'resident memory of the harness itself at the window’s end'),
} as const satisfies MetricCatalog;

export const SOAK_METRICS = {
  'soak.duration': m('ms', 'how long the load ran (windows closed)'),
  windows: m('count', 'windows closed'),
  'windows.judged': m('count', 'windows the statistics across windows used (after settle)'),
  'load.capacity.rps': m('per_second', 'closed-model throughput measured before the load'),
  'load.rate': m('per_second', 'arrival rate of the load (open model)'),
  ...loadTotalCatalog('run'),
  'throughput.rps': m('per_second', '2xx answers per second over the whole run'),
  ...latencyCatalog('', '2xx answers over the whole run (the windows’ histograms merged), corrected for coordinated omission'),
  'latency.p95.cv': m('ratio', 'coefficient of variation of the per-window p95 (standard deviation / mean over the judged windows)'),
  'latency.p95.windows.min': m('ms', 'lowest per-window p95 over the judged windows'),
  'latency.p95.windows.max': m('ms', 'highest per-window p95 over the judged windows'),
  availability: m('ratio', '2xx answers that passed their check / requests sent, over the whole run (every request counted)'),
  'cache.hit_rate': m('ratio', 'server cache hits / lookups of texts sent before, over the windows (embedgate serve’s /metrics)'),
  'leak.suspected': m('count', 'memory series whose growth across the windows is a leak by the window verdict (Theil–Sen over window medians, its lower bound and its last third both above the allowance)'),
  'leak.anon.slope': m('bytes', 'Theil–Sen slope of the window medians of anonymous memory, per request'),
  'leak.anon.slope.ci_low': m('bytes', 'lower end of its confidence interval'),
  'leak.anon.slope.ci_high': m('bytes', 'upper end of its confidence interval'),
  'leak.heap.slope': m('bytes', 'Theil–Sen slope of the window medians of the V8 heap, per request'),
  'leak.heap.slope.ci_low': m('bytes', 'lower end of its confidence interval'),
  'leak.heap.slope.ci_high': m('bytes', 'upper end of its confidence interval'),
  'memory.rss.peak': m('bytes', 'highest resident memory of the target (server and its worker together)'),
  'memory.anon.peak': m('bytes', 'highest anonymous resident memory of the target'),
  'memory.file.peak': m('bytes', 'highest file-backed resident memory of the target'),
  'memory.heap.peak': m('bytes', 'highest V8 heap in use over the target’s Node processes (heap probe)'),
  'memory.oom': m('count', 'out-of-memory evidence over the run'),
  'worker.restarts': m('count', 'worker restarts embedgate serve reported over the run (/health)'),
  'target.exited': m('count', '1 when the target’s server process died during the run'),
  'harness.rss.first': m('bytes', 'the harness’s own resident memory at the end of the first window'),
  'harness.rss.peak': m('bytes', 'the harness’s highest resident memory at a window’s end'),
  'harness.rss.growth': m('bytes', 'the harness’s resident memory at the last window’s end minus at the first’s'),
} as const satisfies MetricCatalog;
