import { describe, expect, it } from 'vitest';
import { oomLines } from './oom.ts';
import { createServer } from 'node:net';
import { childPids, listeningPorts, parseSmapsRollup, parseStatus, pidListeningOn, readProcessMemory } from './process-memory.ts';

const ROLLUP = `555e17d50000-7fff52b2e000 ---p 00000000 00:00 0                          [rollup]
Rss:              500000 kB
Pss:              480000 kB
Pss_Anon:         120000 kB
Pss_File:         360000 kB
Pss_Shmem:             0 kB
Anonymous:        120000 kB
Swap:                 16 kB
`;

describe('process memory', () => {
  it('splits smaps_rollup RSS into anonymous and file-backed (the mmapped model)', () => {
    const m = parseSmapsRollup(42, ROLLUP)!;
    expect(m).toEqual({ pid: 42, rss: 500000 * 1024, anon: 120000 * 1024, file: 380000 * 1024, shmem: 0, swap: 16 * 1024 });
  });

  it('falls back to /proc/PID/status fields', () => {
    const m = parseStatus(7, 'VmRSS:\t  2252 kB\nRssAnon:\t   148 kB\nRssFile:\t  2104 kB\nRssShmem:\t     0 kB\n')!;
    expect(m.rss).toBe(2252 * 1024);
    expect(m.anon + m.file).toBe(m.rss);
  });

  it('rejects text without the fields', () => {
    expect(parseSmapsRollup(1, 'nothing here')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('reads this process, whose anonymous memory holds its heap', () => {
    const m = readProcessMemory(process.pid)!;
    expect(m.rss).toBeGreaterThan(0);
    expect(m.anon).toBeGreaterThan(0);
    expect(m.anon).toBeLessThanOrEqual(m.rss);
    expect(childPids(process.ppid)).toContain(process.pid);
  });

  it('recognises out-of-memory evidence in a target’s output', () => {
    const text = 'serve: ready\nworker: down (the embedding worker for /m.gguf killed by SIGKILL); restarting in 500 ms\nggml: failed to allocate buffer\nok';
    expect(oomLines(text)).toHaveLength(2);
    expect(oomLines('serve: ready\nall good')).toEqual([]);
  });
});

describe('who listens on a port', () => {
  it('finds this process behind a port it listens on, and the port among its listening ones', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      expect(pidListeningOn(port)).toBe(process.pid);
      expect(listeningPorts(process.pid)).toContain(port);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(listeningPorts(process.pid)).not.toContain(port);
  });
});
