// Preloaded into a Node target (NODE_OPTIONS="--import …/heap-probe.mjs") when
// EMBEDGATE_HEAP_PROBE_DIR is set: writes this process's V8 heap to <dir>/<pid>.json every 250 ms,
// and on SIGUSR2 a heap snapshot to <dir>/<pid>-<n>.heapsnapshot. Plain JavaScript, no imports
// beyond node:, so it loads before any TypeScript loader and in every child that inherits it.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

const dir = process.env.EMBEDGATE_HEAP_PROBE_DIR;
if (dir) {
  let peakHeapUsed = 0;
  let snapshots = 0;
  const file = join(dir, `${process.pid}.json`);
  const write = () => {
    const m = process.memoryUsage();
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    const tmp = `${file}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ pid: process.pid, time: Date.now(), heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, peakHeapUsed, snapshots, argv: process.argv.slice(1, 3) }));
      renameSync(tmp, file);
    } catch {
      // the directory went away: the harness is done with us
    }
  };
  write();
  setInterval(write, 250).unref();
  process.on('SIGUSR2', () => {
    const n = ++snapshots;
    const path = join(dir, `${process.pid}-${n}.heapsnapshot`);
    writeHeapSnapshot(`${path}.partial`);
    renameSync(`${path}.partial`, path);
    write();
  });
}
