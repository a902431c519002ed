// Latency lives in HDR histograms so that runs, phases and workers can be merged before
// percentiles are taken. Values are recorded in microseconds and reported in milliseconds.
import * as hdr from 'hdr-histogram-js';
import type { MetricValue } from '../result.ts';
import { PERCENTILES, type LatencyMetricName, type Percentile } from './percentiles.ts';

const MICROS_PER_MS = 1000;
/** One hour in microseconds: anything slower is clamped and counted as the max. */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

export class LatencyHistogram {
  readonly histogram: hdr.Histogram;

  constructor() {
    this.histogram = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: HIGHEST_TRACKABLE_US,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    });
  }

  recordMs(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const us = Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(ms * MICROS_PER_MS)));
    this.histogram.recordValue(us);
  }

  /**
   * Coordinated-omission correction (HdrHistogram's): a response that took longer than the
   * interval at which requests were meant to be sent hid the requests that would have been sent
   * meanwhile. Record it, plus one value per missed interval, each that interval shorter.
   */
  recordCorrectedMs(ms: number, expectedIntervalMs: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (!(expectedIntervalMs > 0)) return this.recordMs(ms);
    const us = Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(ms * MICROS_PER_MS)));
    this.histogram.recordValueWithExpectedInterval(us, Math.max(1, Math.round(expectedIntervalMs * MICROS_PER_MS)));
  }

  static decode(base64: string): LatencyHistogram {
    const out = new LatencyHistogram();
    out.histogram.add(hdr.decodeFromCompressedBase64(base64, 32, false));
    return out;
  }

  merge(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  percentileMs(p: number): number {
    // HDR answers with the top of the value's bucket, which can exceed the largest value recorded;
    // a report showing p95 above max would be wrong, so clamp to the recorded range.
    const h = this.histogram;
    return Math.min(h.getValueAtPercentile(p), h.maxValue) / MICROS_PER_MS;
  }

  /** Compressed base64, the HdrHistogram interchange format, so reports can be merged later. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }

  /** `<prefix>.latency.<p>` for every percentile (`latency.…` for prefix ''); empty when nothing was recorded. */
  toMetrics<P extends string>(prefix: P): Partial<Record<LatencyMetricName<P>, MetricValue>> {
    if (this.count === 0) return {};
    const h = this.histogram;
    const value: Record<Percentile, number> = {
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      p99_9: this.percentileMs(99.9),
      max: h.maxValue / MICROS_PER_MS,
      min: h.minNonZeroValue / MICROS_PER_MS,
      mean: h.mean / MICROS_PER_MS,
    };
    return Object.fromEntries(
      PERCENTILES.map((p) => [prefix === '' ? `latency.${p}` : `${prefix}.latency.${p}`, { value: value[p], unit: 'ms' as const }]),
    ) as Record<LatencyMetricName<P>, MetricValue>;
  }
}
