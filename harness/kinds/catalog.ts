// Metric catalogs: what a kind produces, by name, with its unit (checks are validated against them
// at load time). A runner writes metrics through metricWriter, whose names are the catalog's
// keys, so a metric the catalog lacks is a compile error, and whose units come from the catalog.
import { PERCENTILES, type LatencyMetricName } from '../metrics/percentiles.ts';
import type { MetricValue, Metrics, Unit } from '../result.ts';

export interface MetricSpec {
  unit: Unit;
  description: string;
}

export type MetricCatalog = Readonly<Record<string, MetricSpec>>;

export const metric = (unit: Unit, description: string): MetricSpec => ({ unit, description });

/** `<prefix>.latency.<p>` for every percentile (`latency.<p>` for prefix ''), in ms. */
export function latencyCatalog<P extends string>(prefix: P, what: string): Record<LatencyMetricName<P>, MetricSpec> {
  return Object.fromEntries(
    PERCENTILES.map((p) => [`${prefix === '' ? '' : `${prefix}.`}latency.${p}`, metric('ms', `${p.replace('_', '.')} latency of ${what}`)]),
  ) as Record<LatencyMetricName<P>, MetricSpec>;
}

export interface MetricWriter<C extends MetricCatalog> {
  readonly metrics: Metrics;
  /** Sets the metric; an undefined or non-finite value is left out (not measured). */
  put(name: keyof C & string, value: number | undefined): void;
  /** Sets the metric whatever its value (NaN included). */
  set(name: keyof C & string, value: number): void;
  /** Copies metrics built elsewhere (a histogram's percentiles), by names the catalog has. */
  putAll(metrics: Partial<Record<keyof C & string, MetricValue>>): void;
  has(name: keyof C & string): boolean;
  value(name: keyof C & string): number | undefined;
  remove(name: keyof C & string): void;
}

export function metricWriter<C extends MetricCatalog>(catalog: C, metrics: Metrics = {}): MetricWriter<C> {
  return {
    metrics,
    put(name, value) {
      if (value !== undefined && Number.isFinite(value)) metrics[name] = { value, unit: catalog[name]!.unit };
    },
    set(name, value) {
      metrics[name] = { value, unit: catalog[name]!.unit };
    },
    putAll(more) {
      Object.assign(metrics, more);
    },
    has: (name) => metrics[name] !== undefined,
    value: (name) => metrics[name]?.value,
    remove(name) {
      delete metrics[name];
    },
  };
}

/** The `machine.` scope every suite's checks can read (harness/machine.ts measures it). */
export const MACHINE_METRICS: MetricCatalog = {
  memory: metric('bytes', 'memory available to this run (cgroup limit, else MemTotal)'),
  cores: metric('count', 'CPU cores available to this process'),
};
