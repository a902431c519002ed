// The heap probe with forced GCs, in real child processes: garbage leaves the after-GC heap flat,
// retained memory raises it. No speed is asserted; the children run until the test has read them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { heapProbeEnv } from './heap-probe-env.ts';
import { readHeapReport } from './memory-sampler.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedgate-probe-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` with the probe (a full GC every 50 ms) and returns its after-GC heap at two moments. */
async function afterGcHeap(script: string): Promise<{ early: number; late: number }> {
  const child = spawn(process.execPath, ['-e', script], { env: heapProbeEnv(dir, process.env, 50), stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const pid = child.pid!;
    const count = async (atLeast: number) => {
      for (;;) {
        const r = readHeapReport(dir, pid);
        if (r?.afterGc && r.afterGc.count >= atLeast) return r.afterGc;
        await new Promise((res) => setTimeout(res, 20));
      }
    };
    const early = await count(3);
    const late = await count(early.count + 20);
    return { early: early.heapUsed, late: late.heapUsed };
  } finally {
    child.kill();
  }
}

describe('heap probe with forced GCs', () => {
  it('keeps the after-GC heap flat for garbage and lets it rise for retained memory', async () => {
    // Each allocates about 1 MB every 10 ms; only the second keeps it.
    const garbage = await afterGcHeap('setInterval(() => { new Array(125_000).fill(1.5); }, 10);');
    const retained = await afterGcHeap('const keep = []; setInterval(() => { keep.push(new Array(125_000).fill(1.5)); }, 10);');
    expect(Math.abs(garbage.late - garbage.early)).toBeLessThan(2 * 1024 * 1024);
    expect(retained.late - retained.early).toBeGreaterThan(10 * 1024 * 1024);
  }, 30_000);
});
