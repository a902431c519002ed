// Latency lives in HDR histograms so that runs, phases and workers can be merged before
// percentiles are taken. Values are recorded in microseconds and reported in milliseconds.
import * as hdr from 'hdr-histogram-js';
import type { Metrics } from '../result.ts';

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

  merge(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  percentileMs(p: number): number {
    return this.histogram.getValueAtPercentile(p) / MICROS_PER_MS;
  }

  /** Compressed base64, the HdrHistogram interchange format, so reports can be merged later. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }

  /** `<prefix>.latency.{p50,p90,p95,p99,max,min,mean}`; empty when nothing was recorded. */
  toMetrics(prefix: string): Metrics {
    if (this.count === 0) return {};
    const h = this.histogram;
    const ms = (value: number) => ({ value, unit: 'ms' as const });
    return {
      [`${prefix}.latency.p50`]: ms(this.percentileMs(50)),
      [`${prefix}.latency.p90`]: ms(this.percentileMs(90)),
      [`${prefix}.latency.p95`]: ms(this.percentileMs(95)),
      [`${prefix}.latency.p99`]: ms(this.percentileMs(99)),
      [`${prefix}.latency.max`]: ms(h.maxValue / MICROS_PER_MS),
      [`${prefix}.latency.min`]: ms(h.minNonZeroValue / MICROS_PER_MS),
      [`${prefix}.latency.mean`]: ms(h.mean / MICROS_PER_MS),
    };
  }
}
