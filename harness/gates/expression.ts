// The parsed form of a gate check (`latency.p95 <= 2 * baseline.latency.p95`), and the table of
// metric scopes. Built by parse.ts, checked by typecheck.ts, judged by evaluate.ts.
import type { Dimension, Metrics } from '../result.ts';

/** Columns are 1-based positions inside the check's source text. */
export interface NumberNode {
  type: 'number';
  /** In base units (ms, bytes); `%` already divided by 100. */
  value: number;
  /** The unit as written, if any: `ms`, `GiB`, `%`, `x`. */
  unit?: string;
  dimension: Dimension;
  /** The literal exactly as written, for messages: `50ms`, `70%`. */
  text: string;
  column: number;
}

export interface MetricNode {
  type: 'metric';
  scope: ScopeName;
  /** The name inside its scope's catalog: `latency.p95` for `baseline.latency.p95`. */
  name: string;
  /** As written, scope included. */
  text: string;
  column: number;
}

export interface UnaryNode {
  type: 'unary';
  op: '-';
  operand: ValueNode;
  column: number;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/';

export interface BinaryNode {
  type: 'binary';
  op: ArithmeticOperator;
  left: ValueNode;
  right: ValueNode;
  /** Column of the operator. */
  column: number;
}

export type ValueNode = NumberNode | MetricNode | UnaryNode | BinaryNode;

export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['<=', '>=', '==', '!=', '<', '>'];

/** A whole check: exactly one comparison between two arithmetic expressions. */
export interface CheckExpression {
  type: 'comparison';
  op: ComparisonOperator;
  left: ValueNode;
  right: ValueNode;
  /** Column of the comparison operator. */
  column: number;
  source: string;
}

/** Where the metrics a check reads come from at run time. */
export interface EvaluationContext {
  self: Metrics;
  baseline?: Metrics;
  machine: Metrics;
  /** The in-process ceiling of the suite's own target, from runners that measure one (load). */
  ceiling?: Metrics;
  /** The `reference:` server of a load suite, driven the same way in the same run. */
  reference?: Metrics;
  /** Why a runner left a metric out (`generator saturated`), by scope then name; shown instead of the scope's hint. */
  unmeasured?: Partial<Record<ScopeName, Record<string, string>>>;
}

export type ScopeName = 'self' | 'baseline' | 'machine' | 'ceiling' | 'reference';

export interface ScopeSpec {
  /** What a user reads in messages. */
  description: string;
  /** Which metric catalog names in this scope are checked against. */
  catalog: 'kind' | 'machine' | 'ceiling';
  /** Whether the suite must have `compare:` for this scope to mean anything. */
  needsCompare: boolean;
  /** Whether the suite must have `reference:` for this scope to mean anything. */
  needsReference?: boolean;
  /** Why a metric in this scope can be missing at run time. */
  missingHint: string;
}

/**
 * Scopes selected by the first segment of a metric name. Unprefixed names are `self`.
 * Adding a scope (e.g. `ceiling.` for the in-process throughput ceiling) is one entry here,
 * one field in EvaluationContext and one case in typecheck's catalog choice.
 */
export const SCOPES: Record<ScopeName, ScopeSpec> = {
  self: {
    description: "the suite's own target",
    catalog: 'kind',
    needsCompare: false,
    missingHint: 'the runner did not report it',
  },
  baseline: {
    description: 'the `compare:` target, measured the same way in the same run',
    catalog: 'kind',
    needsCompare: true,
    missingHint: 'the compare target did not report it',
  },
  machine: {
    description: 'the machine the run is on',
    catalog: 'machine',
    needsCompare: false,
    missingHint: 'the harness could not measure it on this machine',
  },
  ceiling: {
    description: 'the in-process ceiling: the same model in node-llama-cpp without HTTP, its pool of contexts kept busy (that engine’s limit, not the machine’s)',
    catalog: 'ceiling',
    needsCompare: false,
    missingHint: 'no in-process ceiling was measured (only gguf targets have one)',
  },
  reference: {
    description: 'the `reference:` server (e.g. llama.cpp’s llama-server on the same model), driven the same way in the same run',
    catalog: 'kind',
    needsCompare: false,
    needsReference: true,
    missingHint: 'the reference server did not report it',
  },
};

/** First segments that select a scope; `self` is implicit and cannot be written. */
export const SCOPE_PREFIXES: Record<string, ScopeName> = { baseline: 'baseline', machine: 'machine', ceiling: 'ceiling', reference: 'reference' };

/** Every metric a check reads, in source order. */
export function metricsOf(node: CheckExpression | ValueNode): MetricNode[] {
  switch (node.type) {
    case 'number':
      return [];
    case 'metric':
      return [node];
    case 'unary':
      return metricsOf(node.operand);
    case 'binary':
    case 'comparison':
      return [...metricsOf(node.left), ...metricsOf(node.right)];
  }
}
