// Preloaded into a Node target (NODE_OPTIONS="--import …/heap-probe.mjs") when
// EMBEDGATE_HEAP_PROBE_DIR is set: writes this process's V8 heap to <dir>/<pid>.json every 250 ms,
// and on SIGUSR2 a heap snapshot to <dir>/<pid>-<n>.heapsnapshot. Plain JavaScript, no imports
// beyond node:, so it loads before any TypeScript loader and in every child that inherits it.
//
// With EMBEDGATE_HEAP_PROBE_GC_MS set (the memory suite sets it), it also runs a full GC that
// often and records the heap and the anonymous memory right after it (`afterGc`). Between major
// GCs the heap only grows, with garbage; a leak check fitted to raw samples taken while no major
// GC ran sees a slope that is not there. After a full GC only what is still referenced remains.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dir = process.env.EMBEDGATE_HEAP_PROBE_DIR;
if (dir) {
  let peakHeapUsed = 0;
  let snapshots = 0;
  const file = join(dir, `${process.pid}.json`);
  let afterGc;
  const write = () => {
    const m = process.memoryUsage();
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    const tmp = `${file}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify({ pid: process.pid, time: Date.now(), heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, peakHeapUsed, snapshots, argv: process.argv.slice(1, 3), ...(afterGc ? { afterGc } : {}) }));
      renameSync(tmp, file);
    } catch {
      // the directory went away: the harness is done with us
    }
  };
  write();
  setInterval(write, 250).unref();
  const gcMs = Number(process.env.EMBEDGATE_HEAP_PROBE_GC_MS);
  if (gcMs > 0) {
    // gc() without --expose-gc on the command line (NODE_OPTIONS does not allow it on Node 20).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    const anonBytes = () => {
      try {
        const kb = /^Anonymous:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
        return kb ? Number(kb[1]) * 1024 : undefined;
      } catch {
        return undefined;
      }
    };
    setInterval(() => {
      gc();
      afterGc = { time: Date.now(), heapUsed: process.memoryUsage().heapUsed, anon: anonBytes(), count: (afterGc?.count ?? 0) + 1 };
      write();
    }, gcMs).unref();
  }
  process.on('SIGUSR2', () => {
    const n = ++snapshots;
    const path = join(dir, `${process.pid}-${n}.heapsnapshot`);
    writeHeapSnapshot(`${path}.partial`);
    renameSync(`${path}.partial`, path);
    write();
  });
}
