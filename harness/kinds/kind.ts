// What a suite kind is: its name, its parameter schema (with defaults), its metric catalogs, its
// default timeout and its runner. Each kind defines itself in harness/kinds/<kind>/kind.ts;
// harness/kinds/registry.ts lists them. The runner is imported only when a suite of the kind
// runs, so loading and checking suites never loads runners, models or load generators.
import type { TSchema } from '@sinclair/typebox';
import type { MetricCatalog } from './catalog.ts';
import { JsonSchema } from './params.ts';
import type { Runner } from './runner.ts';

/** A problem a schema cannot express, at its path inside the parameter block. */
export interface ParamsProblem {
  path: (string | number)[];
  message: string;
  expected: string;
}

export interface KindDefinition<P extends TSchema = TSchema, M extends MetricCatalog = MetricCatalog> {
  name: string;
  description: string;
  /** Schema of the parameter block, which sits under a key named after the kind. */
  params: P;
  metrics: M;
  /** Metrics of the `ceiling.` scope, for kinds that measure an in-process ceiling (load). */
  ceilingMetrics?: MetricCatalog;
  /** Metrics a runner reports per time window, for checks judged window by window. */
  windowMetrics?: MetricCatalog;
  /** Time limit of a suite of this kind when it sets no `timeout:` (default 10 minutes). */
  timeoutMs?: number;
  /** Loads the runner (a dynamic import). */
  runner: () => Promise<Runner>;
  /**
   * Checks a schema cannot express (cross-references, tolerances), run at load time on a block
   * that passed the schema, before decoding; each problem names its path inside the block.
   */
  checkParams?: (params: Record<string, unknown>, suiteFile: string) => ParamsProblem[];
}

export interface ImplementedKind<P extends TSchema = TSchema, M extends MetricCatalog = MetricCatalog> extends KindDefinition<P, M> {
  implemented: true;
}

/**
 * A kind that is planned but has no runner yet. Suites of it load (their block only has to be a
 * mapping, their checks are parsed but metric names are not checked) and end inconclusive, so a
 * gate that needs it can never pass.
 */
export interface PlannedKind {
  implemented: false;
  name: string;
  description: string;
  params: TSchema;
  metrics: MetricCatalog;
  ceilingMetrics?: undefined;
  windowMetrics?: undefined;
  timeoutMs?: number;
  checkParams?: undefined;
}

export type SuiteKind = ImplementedKind | PlannedKind;

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export function defineKind<P extends TSchema, M extends MetricCatalog>(definition: KindDefinition<P, M>): ImplementedKind<P, M> {
  return { ...definition, implemented: true };
}

export function plannedKind(name: string, description: string, options: { timeoutMs?: number } = {}): PlannedKind {
  return { implemented: false, name, description, params: JsonSchema<Record<string, unknown>>({ type: 'object' }), metrics: {}, ...options };
}
