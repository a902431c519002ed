// The percentiles every latency metric comes in (`<prefix>.latency.<p>`), in one list that the
// histogram, the metric catalogs and the reports share. No dependencies: catalogs import it
// without loading the HDR histogram code.
export const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'p99_9', 'max', 'min', 'mean'] as const;
export type Percentile = (typeof PERCENTILES)[number];
/** `latency.p95` for prefix '', `open.latency.p95` for prefix 'open'. */
export type LatencyMetricName<P extends string> = P extends '' ? `latency.${Percentile}` : `${P}.latency.${Percentile}`;
