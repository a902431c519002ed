// The common start: a barrier file or loopback URL holds shards until it opens, its content (an
// ISO instant) is the planned start, and the skew is measured against it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitForStart } from './start.ts';

const work = mkdtempSync(join(tmpdir(), 'embedgate-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const never = new AbortController().signal;

describe('waitForStart', () => {
  it('waits for a barrier file, then for the instant it holds', async () => {
    const file = join(work, 'go');
    const waiting = waitForStart({ index: 1, count: 2, barrier: file }, never, () => {});
    // Opened only after the shard is polling; the instant is ahead of the opening.
    await new Promise((r) => setTimeout(r, 100));
    const planned = Date.now() + 200;
    writeFileSync(file, new Date(planned).toISOString());
    const opened = Date.now();
    const start = await waiting;
    expect(start.how).toBe('barrier');
    expect(start.plannedMs).toBe(planned);
    expect(start.startedMs).toBeGreaterThanOrEqual(planned);
    expect(start.startedMs).toBeGreaterThanOrEqual(opened);
    expect(start.skewMs).toBe(start.startedMs - start.plannedMs);
  });

  it('an empty barrier file means: start now', async () => {
    const file = join(work, 'empty');
    writeFileSync(file, '');
    const start = await waitForStart({ index: 0, count: 2, barrier: file }, never, () => {});
    expect(start.skewMs).toBeGreaterThanOrEqual(0);
  });

  it('polls a loopback URL until it answers 200', async () => {
    let open = false;
    const server = createServer((_, res) => {
      res.statusCode = open ? 200 : 404;
      res.end(open ? '' : 'closed');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/go`;
      let settled = false;
      const waiting = waitForStart({ index: 0, count: 2, barrier: url }, never, () => {}).finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 150));
      expect(settled).toBe(false);
      open = true;
      expect((await waiting).how).toBe('barrier');
    } finally {
      server.close();
    }
  });

  it('refuses a barrier holding something other than an instant', async () => {
    const file = join(work, 'bad');
    writeFileSync(file, 'soon');
    await expect(waitForStart({ index: 0, count: 2, barrier: file }, never, () => {})).rejects.toThrow(/holds "soon", not an ISO start time/);
  });

  it('with --start-at, starts at that instant', async () => {
    const planned = Date.now() + 150;
    const start = await waitForStart({ index: 0, count: 2, startAtMs: planned }, never, () => {});
    expect(start.how).toBe('start-at');
    expect(start.startedMs).toBeGreaterThanOrEqual(planned);
  });
});
