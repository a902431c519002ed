import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { coresBetween, processCpuSeconds, treeCpuSeconds, watchContention } from './process-cpu.ts';

describe('process CPU from /proc', () => {
  it('sees a busy child use about a core and an idle one use almost none', async () => {
    // Each says "ready" once started, so node's own start-up is not counted.
    const busy = spawn(process.execPath, ['-e', 'console.log("ready"); const end = Date.now() + 10000; while (Date.now() < end);']);
    const idle = spawn(process.execPath, ['-e', 'console.log("ready"); setTimeout(() => {}, 10000)']);
    try {
      await Promise.all([busy, idle].map((c) => new Promise((r) => c.stdout!.once('data', r))));
      const before = treeCpuSeconds(process.pid);
      const started = performance.now();
      await new Promise((r) => setTimeout(r, 1000));
      const cores = coresBetween(before, treeCpuSeconds(process.pid), (performance.now() - started) / 1000);
      expect(cores[String(busy.pid)]).toBeGreaterThan(0.15); // a spinning process, even on a loaded machine
      expect(cores[String(idle.pid)]).toBeLessThan(0.05);
    } finally {
      busy.kill();
      idle.kill();
    }
  });

  it('counts a child that ran and exited as own work, not as contention', async () => {
    const watch = watchContention();
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 800; while (Date.now() < end);']);
    await new Promise((r) => child.on('close', r));
    const c = watch();
    // The spinning child (about 0.8 s of CPU, less on a loaded machine) is in ownCores after it is reaped.
    expect(c.ownCores * c.seconds).toBeGreaterThan(0.2);
    expect(c.otherCores).toBeGreaterThanOrEqual(0);
  });

  it('is undefined for a process that does not exist', () => {
    expect(processCpuSeconds(2 ** 22 + 12345)).toBeUndefined();
  });
});
