// Every request a load phase sends is accounted for, and every answer is checked, against real
// misbehaving servers on loopback: one that drops connections without answering, one that stops
// answering, one that answers with a vector one dimension short. Each misbehaviour passed
// unnoticed before the harness counted requests itself (sent = answered + errors by kind).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { errorTotal, runPhase, type PhaseResult } from './phase.ts';
import { startMisbehavingServer, type MisbehaviourOptions, type RunningMisbehavingServer } from './testing/misbehaving-server.ts';

let server: RunningMisbehavingServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const bodies = Array.from({ length: 64 }, (_, i) => JSON.stringify({ model: 'toy', input: `text ${i % 16}`, encoding_format: 'base64' }));

async function phaseAgainst(options: Partial<MisbehaviourOptions>, connections = 4, durationMs = 1500): Promise<PhaseResult> {
  server = await startMisbehavingServer({ delayMs: 2, lanes: 4, ...options });
  return runPhase({ name: 'closed', url: server.url, bodies, startIndex: 0, connections, durationMs, graceMs: 1000, check: { dimensions: 8, normalised: true } });
}

/** sent = answered + every kind of failure without an answer; nothing falls between. */
function expectAccounted(r: PhaseResult): void {
  const e = r.errors;
  expect(r.sent).toBe(r.answered + e.timeout + e.reset + e.connection + e.lost + e.unanswered);
  expect(r.requests).toBe(r.sent);
  expect(errorTotal(e)).toBe(e.status + e.timeout + e.reset + e.connection + e.lost + e.unanswered);
}

describe('every request accounted for', () => {
  it('counts connections closed without an answer as lost, not as nothing (symptom 1)', async () => {
    const r = await phaseAgainst({ dropShare: 0.05 });
    expectAccounted(r);
    expect(server!.counts.dropped).toBeGreaterThan(0);
    expect(r.errors.lost).toBeGreaterThan(0);
    // Every drop the server made is a lost request here (a drop the grace period could not wait
    // for would show as unanswered instead).
    expect(r.errors.lost + r.errors.unanswered).toBeGreaterThanOrEqual(server!.counts.dropped);
    expect(r.errors.lost).toBeLessThanOrEqual(server!.counts.dropped);
    expect(errorTotal(r.errors) / r.requests).toBeGreaterThan(0.01);
  });

  it('counts a reset connection as a reset, once per request', async () => {
    const r = await phaseAgainst({ dropShare: 0.05, dropMode: 'reset' });
    expectAccounted(r);
    expect(r.errors.reset).toBeGreaterThan(0);
    expect(r.errors.reset + r.errors.lost).toBeLessThanOrEqual(server!.counts.dropped);
  });

  it('counts requests a silent server never answers as unanswered: the error rate is 1, not 0 (symptom 2)', async () => {
    const r = await phaseAgainst({ stopAfter: 0 }, 4, 1000);
    expectAccounted(r);
    expect(r.answered).toBe(0);
    expect(r.errors.unanswered).toBe(4);
    expect(r.requests).toBe(4);
    expect(errorTotal(r.errors) / r.requests).toBe(1);
  });

  it('after N answers, counts the N and the requests left hanging', async () => {
    const r = await phaseAgainst({ stopAfter: 20 }, 4, 1000);
    expectAccounted(r);
    expect(r.answered).toBe(20);
    expect(r.ok).toBe(20);
    expect(r.errors.unanswered).toBe(4);
  });

  it('counts requests that outlive the timeout as timeouts, and the last ones in flight as unanswered', async () => {
    server = await startMisbehavingServer({ stopAfter: 0 });
    const r = await runPhase({ name: 'closed', url: server.url, bodies, startIndex: 0, connections: 4, durationMs: 1500, timeoutMs: 1000, graceMs: 0 });
    expectAccounted(r);
    expect(r.answered).toBe(0);
    expect(r.errors.timeout).toBeGreaterThanOrEqual(4);
    expect(r.errors.unanswered).toBe(4);
    expect(r.sent).toBe(server.counts.received);
  });

  it('a server that closes after every answer (Connection: close): nothing lost, nothing counted twice', async () => {
    let received = 0;
    const closing = createServer((req, res) => {
      received++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ data: [{ index: 0, embedding: [0.6, 0.8] }] }));
      });
    });
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(closing.address() as AddressInfo).port}`;
      const r = await runPhase({ name: 'closed', url, bodies, startIndex: 0, connections: 2, durationMs: 1000 });
      expectAccounted(r);
      expect(errorTotal(r.errors)).toBe(0);
      expect(r.answered).toBe(received);
      expect(r.withdrawn).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  it('waits a short grace period for requests in flight at the end, and counts them answered', async () => {
    const r = await phaseAgainst({ delayMs: 300, lanes: 4 }, 4, 1000);
    expectAccounted(r);
    expect(r.errors.unanswered).toBe(0);
    expect(r.late).toBe(4);
    expect(r.answered).toBe(r.ok);
  });
});

describe('every answer checked under load', () => {
  it('counts answers one dimension short as invalid, by reason (symptom 3)', async () => {
    const r = await phaseAgainst({ shortShare: 0.05 });
    expectAccounted(r);
    expect(server!.counts.short).toBeGreaterThan(0);
    expect(r.checked).toBe(r.ok);
    expect(r.invalid.byReason['wrong-dimension']).toBe(server!.counts.short);
    expect(r.invalid.total).toBe(server!.counts.short);
  });

  it('a clean server: no errors, no invalid answers, every answer checked', async () => {
    const r = await phaseAgainst({});
    expectAccounted(r);
    expect(errorTotal(r.errors)).toBe(0);
    expect(r.ok).toBeGreaterThan(0);
    expect(r.answered).toBe(server!.counts.answered);
    expect(r.checked).toBe(r.ok);
    expect(r.invalid.total).toBe(0);
  });
});
