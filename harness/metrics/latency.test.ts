import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency.ts';

const within = (actual: number, expected: number, rel = 0.002) => expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(rel);

describe('LatencyHistogram merging', () => {
  it('merging shards gives the percentiles of the whole', () => {
    const whole = new LatencyHistogram();
    const shards = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
    for (let i = 1; i <= 3000; i++) {
      const ms = (i * 7919) % 1000 + 0.5; // spread 0.5 … 999.5 ms, order scrambled
      whole.recordMs(ms);
      shards[i % 3]!.recordMs(ms);
    }
    const merged = new LatencyHistogram();
    for (const s of shards) merged.merge(s);
    expect(merged.count).toBe(3000);
    for (const p of [50, 90, 95, 99, 99.9, 100]) expect(merged.percentileMs(p)).toBe(whole.percentileMs(p));
  });

  it('survives encode → decode → merge (the interchange format in reports)', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 1; i <= 500; i++) a.recordMs(i);
    for (let i = 501; i <= 1000; i++) b.recordMs(i);
    const merged = LatencyHistogram.decode(a.encode());
    merged.merge(LatencyHistogram.decode(b.encode()));
    expect(merged.count).toBe(1000);
    within(merged.percentileMs(50), 500);
    within(merged.percentileMs(99), 990);
    within(merged.percentileMs(99.9), 999);
  });

  it('names p99.9 p99_9 and drops the prefix when it is empty', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.recordMs(i);
    const m = h.toMetrics('');
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['latency.p50', 'latency.p99_9', 'latency.max']));
    within(m['latency.p99_9']!.value, 999);
    expect(Object.keys(h.toMetrics('open'))).toContain('open.latency.p99_9');
  });
});

describe('LatencyHistogram percentiles', () => {
  it('never reports a percentile above the largest value recorded', () => {
    const h = new LatencyHistogram();
    // 12.3456 ms lands in a bucket whose top is above it; p95 and p100 must still be <= max.
    for (let i = 0; i < 20; i++) h.recordMs(1 + i * 0.001);
    h.recordMs(12.3456);
    const m = h.toMetrics('x');
    expect(m['x.latency.p99']!.value).toBeLessThanOrEqual(m['x.latency.max']!.value);
    expect(h.percentileMs(100)).toBe(m['x.latency.max']!.value);
    expect(m['x.latency.p50']!.value).toBeLessThanOrEqual(m['x.latency.p95']!.value);
  });
});

describe('coordinated-omission correction', () => {
  // A generator meant to send one request every 10 ms; the server stalls once for 1 s. A closed
  // loop sees one slow response among 1000 fast ones; the 99 requests that should have been sent
  // during the stall would have waited 990, 980, … 10 ms.
  const intervalMs = 10;
  const samples = [...Array.from({ length: 1000 }, () => 1), 1000];

  it('uncorrected, the stall hides below p99', () => {
    const raw = new LatencyHistogram();
    for (const ms of samples) raw.recordMs(ms);
    expect(raw.count).toBe(1001);
    expect(raw.percentileMs(99)).toBeLessThan(2);
  });

  it('corrected, the missed requests are back-filled and p99 shows the stall', () => {
    const corrected = new LatencyHistogram();
    for (const ms of samples) corrected.recordCorrectedMs(ms, intervalMs);
    // 1000 fast + the stall itself + 99 back-filled (990 … 10 ms)
    expect(corrected.count).toBe(1100);
    expect(corrected.percentileMs(99)).toBeGreaterThan(800);
    within(corrected.percentileMs(100), 1000);
    // responses faster than the interval are recorded once, unchanged
    expect(corrected.percentileMs(50)).toBeLessThan(2);
  });

  it('without a meaningful interval it records plainly', () => {
    const h = new LatencyHistogram();
    h.recordCorrectedMs(1000, 0);
    expect(h.count).toBe(1);
  });
});
