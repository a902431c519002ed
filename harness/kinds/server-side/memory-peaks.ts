// Memory peaks of a target's processes, which load and memory suites both report.
import { metric, type MetricCatalog } from '../catalog.ts';

export const MEMORY_PEAK_METRICS = {
  'memory.rss.peak': metric('bytes', 'highest resident memory of the target (server and its worker together), sampled at least once a second'),
  'memory.anon.peak': metric('bytes', 'highest anonymous resident memory (heaps, KV caches) of the target, from /proc/PID/smaps_rollup'),
  'memory.file.peak': metric('bytes', 'highest file-backed resident memory of the target (the mmapped model lives here)'),
  'memory.heap.peak': metric('bytes', 'highest V8 heap in use over the target’s Node processes (server and worker), where the heap probe runs'),
  'memory.oom': metric(
    'count',
    'out-of-memory events: a target process killed by SIGKILL the harness did not send, ENOMEM in its output, or the cgroup’s oom_kill counter moving',
  ),
  'memory.samples': metric('count', 'memory samples taken'),
} as const satisfies MetricCatalog;
