// The method's hogs never outlive their fault: a suite stopped in the middle of a CPU or memory
// fault (abortOnFail, SIGINT) ends the fault at once, and its busy or memory-holding processes are
// gone when the schedule returns. Real child processes; no target is needed for these faults.
import { describe, expect, it } from 'vitest';
import { TargetWatch } from '../server-side/target-watch.ts';
import type { FaultEnvironment } from './inject.ts';
import type { FaultSpec } from './params.ts';
import { runSchedule } from './schedule.ts';
import { faultRecord } from './timeline.ts';
import { isAlive as alive } from '../../http-client/testing/processes.ts';

async function abortedDuring(spec: FaultSpec): Promise<{ pids: number[]; did: string }> {
  const record = faultRecord(spec, 1000);
  const controller = new AbortController();
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const env: FaultEnvironment = { serverUrl: () => 'http://127.0.0.1:9', serverPid: () => undefined, workerPid: () => undefined };
  const pids: number[] = [];
  const done = runSchedule({
    records: [record],
    env,
    watch: new TargetWatch('http://127.0.0.1:9', 100, clock),
    clock,
    loadStartMs: 0,
    windowMs: 1000,
    lateMs: 0,
    signal: controller.signal,
    beforeDeviated: () => undefined,
    log: (message) => {
      // The fault's start names its processes; stop the run right then.
      const found = /pids? ([\d, ]+)/.exec(message);
      if (found) {
        pids.push(...found[1]!.split(',').map((p) => Number(p.trim())).filter(Boolean));
        controller.abort(new Error('interrupted by the test'));
      }
    },
  });
  await done;
  return { pids, did: record.did ?? '' };
}

describe('runSchedule stopped mid-fault', () => {
  it('kills the CPU hog', async () => {
    const { pids, did } = await abortedDuring({ name: 'cpu', type: 'cpu', start: 0, duration: 60_000, processes: 2 } as FaultSpec);
    expect(pids).toHaveLength(2);
    expect(did).toMatch(/busy processes killed/);
    for (const pid of pids) expect(alive(pid), `busy process ${pid}`).toBe(false);
  }, 30_000);

  it('kills the memory hog', async () => {
    const { pids, did } = await abortedDuring({ name: 'mem', type: 'memory', start: 0, duration: 60_000, share: 0.01, capMb: 32 } as FaultSpec);
    expect(pids).toHaveLength(1);
    expect(did).toMatch(/memory released/);
    expect(alive(pids[0]!)).toBe(false);
  }, 30_000);
});

describe('runSchedule before the first fault', () => {
  it('waits for the verdicts of the windows before it, which arrive late: one that deviated means no fault', async () => {
    const record = faultRecord({ name: 'kill', type: 'kill-worker', start: 0, duration: 0 } as FaultSpec, 1000);
    const t0 = performance.now();
    const clock = () => performance.now() - t0;
    const notes: { endMs: number; held: boolean; why?: string }[] = [];
    // The verdict of a window that closed before the fault comes in 200 ms later (its grace period).
    setTimeout(() => notes.push({ endMs: 0, held: false, why: 'errors.rate < 1%: errors.rate 100% < 1%' }), 200);
    await runSchedule({
      records: [record],
      env: { serverUrl: () => 'http://127.0.0.1:9', serverPid: () => undefined, workerPid: () => 4_000_000 },
      watch: new TargetWatch('http://127.0.0.1:9', 100, clock),
      clock,
      loadStartMs: 0,
      windowMs: 1000,
      lateMs: 2000,
      signal: new AbortController().signal,
      beforeDeviated: () => notes.find((n) => !n.held)?.why,
      windowsReportedUntil: () => notes.at(-1)?.endMs ?? -Infinity,
      log: () => {},
    });
    expect(record.injected).toBe(false);
    expect(record.notInjected).toMatch(/the steady state did not hold before the first fault \(errors.rate < 1%/);
  });
});

describe('runSchedule after a fault', () => {
  it('still detects a fault whose sign comes after the steady state is back (a corrupted cache entry read later)', async () => {
    // A real server on loopback: the corruption route answers at once, and its corrupt counter
    // rises only 600 ms later, when the load would ask for a damaged entry again.
    const { createServer } = await import('node:http');
    let corruptedAt = Infinity;
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/debug/faults/corrupt-cache')) {
        corruptedAt = performance.now();
        res.setHeader('content-type', 'application/json').end(JSON.stringify({ corrupted: 4, entries: 10, cache: 'on' }));
      } else if (req.url === '/metrics') res.end(`embedgate_cache_corrupt_total ${performance.now() - corruptedAt > 600 ? 4 : 0}\n`);
      else res.setHeader('content-type', 'application/json').end('{"status":"ok"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const t0 = performance.now();
    const clock = () => performance.now() - t0;
    const watch = new TargetWatch(url, 50, clock).start();
    const record = faultRecord({ name: 'corrupt', type: 'corrupt-cache', start: 300, duration: 0, count: 4 } as FaultSpec, 5000);
    try {
      await runSchedule({
        records: [record],
        env: { serverUrl: () => url, serverPid: () => undefined, workerPid: () => undefined },
        watch,
        clock,
        loadStartMs: 0,
        windowMs: 200,
        lateMs: 0,
        signal: new AbortController().signal,
        beforeDeviated: () => undefined,
        log: (message) => {
          // The next window holds: the steady state is back right after the injection.
          if (/cache entries corrupted/.test(message)) {
            record.recoveredAtMs = clock();
            record.settle();
          }
        },
      });
    } finally {
      watch.stop();
      server.close();
    }
    expect(record.injected).toBe(true);
    expect(record.detection?.what).toMatch(/embedgate_cache_corrupt_total 0 → 4/);
  });
});
