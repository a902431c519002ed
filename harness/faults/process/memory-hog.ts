// Memory pressure: a child process that allocates and touches memory toward a bound computed from
// what the machine has available now (never more than a share of MemAvailable, at most 25 %, and
// a cap), holds it for the fault's length, and is killed at the end or on the harness's way out.
// It allocates in steps and stops early if MemAvailable falls under a floor, so it cannot exhaust
// the machine even if something else grows at the same time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cleanupOnExit } from './cleanup.ts';
import { stopChildren, type Hog } from './cpu-hog.ts';

const MiB = 1024 * 1024;
export const MAX_SHARE = 0.25;

/** MemAvailable from /proc/meminfo in bytes; undefined off Linux. */
export function memAvailableBytes(read: () => string = () => readFileSync('/proc/meminfo', 'utf8')): number | undefined {
  try {
    const kb = Number(/^MemAvailable:\s+(\d+) kB/m.exec(read())?.[1]);
    return Number.isFinite(kb) && kb > 0 ? kb * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The bound: min(share × MemAvailable, cap), share at most 25 %. */
export function memoryBound(availableBytes: number, share = 0.2, capMb = 1024): number {
  return Math.floor(Math.min(Math.min(share, MAX_SHARE) * availableBytes, capMb * MiB));
}

export async function startMemoryHog(opts: { share?: number; capMb?: number; durationMs: number }): Promise<Hog | { unavailable: string }> {
  const available = memAvailableBytes();
  if (available === undefined) return { unavailable: 'MemAvailable is unreadable (not Linux?): no safe bound for memory pressure' };
  const bound = memoryBound(available, opts.share, opts.capMb);
  // Stop allocating if the machine gets down to half of what was available at the start.
  const floor = Math.floor(available / 2);
  const deadlineMs = opts.durationMs + 10_000;
  const code = `
const fs = require('node:fs');
const avail = () => { try { return Number(/^MemAvailable:\\s+(\\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))[1]) * 1024; } catch { return 0; } };
const held = []; let bytes = 0; const step = 16 * ${MiB};
while (bytes + step <= ${bound} && avail() > ${floor}) { const b = Buffer.alloc(step, 1); held.push(b); bytes += step; }
process.stdout.write(JSON.stringify({ bytes }) + '\\n');
setTimeout(() => process.exit(0), ${deadlineMs});`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  const release = cleanupOnExit(() => child.kill('SIGKILL'));
  const held = await new Promise<number | undefined>((resolve) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = /\{"bytes":(\d+)\}/.exec(out);
      if (line) resolve(Number(line[1]));
    });
    child.once('exit', () => resolve(undefined));
  });
  if (held === undefined) {
    release();
    return { unavailable: 'the memory-pressure process exited before it held its memory' };
  }
  return {
    pids: [child.pid!],
    description: `a process holding ${(held / MiB).toFixed(0)} MiB (bound ${(bound / MiB).toFixed(0)} MiB: min(${Math.min(opts.share ?? 0.2, MAX_SHARE)} × MemAvailable ${(available / MiB).toFixed(0)} MiB, ${opts.capMb ?? 1024} MiB))`,
    async stop() {
      await stopChildren([child]);
      release();
    },
  };
}
