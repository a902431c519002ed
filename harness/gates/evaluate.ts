// Judges a parsed check against measured metrics. A metric that was not measured, or a result that
// is not a finite number, makes the check inconclusive with the reason: never a pass.
import type { PlannedCheck } from '../plan.ts';
import type { CheckResult, Dimension, Metrics } from '../result.ts';
import { SCOPES, type CheckExpression, type ComparisonOperator, type EvaluationContext, type MetricNode, type ValueNode } from './expression.ts';
import { formatValue } from '../format.ts';
import { dimensionOfUnit, formatByDimension } from './units.ts';

interface Computed {
  value: number;
  dimension: Dimension;
  /** The expression with values substituted, e.g. `2 × 8.10 ms`. */
  shown: string;
  precedence: number;
}

const SYMBOL = { '+': '+', '-': '-', '*': '×', '/': '/' } as const;
const PRECEDENCE = { '+': 1, '-': 1, '*': 2, '/': 2 } as const;

const COMPARE: Record<ComparisonOperator, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** Evaluates a check; pass a PlannedCheck to carry its file position into the result. */
export function evaluateCheck(check: CheckExpression | PlannedCheck, context: EvaluationContext): CheckResult {
  const expression = 'expression' in check ? check.expression : check;
  const base: Pick<CheckResult, 'source' | 'operator' | 'position'> = {
    source: expression.source,
    operator: expression.op,
    ...('position' in check && check.position ? { position: check.position } : {}),
  };

  const missing: string[] = [];
  const lookup = (node: MetricNode): number | undefined => {
    const metrics = metricsFor(node, context);
    const metric = metrics !== undefined && Object.hasOwn(metrics, node.name) ? metrics[node.name] : undefined;
    if (metric === undefined) {
      const why = context.unmeasured?.[node.scope]?.[node.name] ?? (metrics === undefined ? `there are no ${node.scope} metrics` : SCOPES[node.scope].missingHint);
      missing.push(`${node.text} (${why})`);
    }
    return metric?.value;
  };
  const left = compute(expression.left, context, lookup, true);
  const right = compute(expression.right, context, lookup, true);
  if (missing.length > 0 || left === undefined || right === undefined) {
    return { ...base, status: 'inconclusive', detail: `not measured: ${[...new Set(missing)].join(', ')}` };
  }

  const shown = `${side(left)} ${expression.op} ${side(right)}`;
  for (const [name, value] of [['left', left], ['right', right]] as const) {
    if (!Number.isFinite(value.value)) {
      return { ...base, status: 'inconclusive', detail: `the ${name} side is not a finite number (${value.value}): ${shown}` };
    }
  }
  const passed = COMPARE[expression.op](left.value, right.value);
  return { ...base, status: passed ? 'pass' : 'fail', left: left.value, right: right.value, detail: shown };
}

/** `name 12.3 ms` for a lone metric, `2 × 8.10 ms = 16.2 ms` for an expression. */
function side(computed: Computed): string {
  if (computed.precedence === Infinity) return computed.shown;
  return `${computed.shown} = ${formatByDimension(computed.value, computed.dimension)}`;
}

function metricsFor(node: MetricNode, context: EvaluationContext): Metrics | undefined {
  return context[node.scope];
}

/** undefined when a metric is missing (recorded by lookup). `top` marks the whole side of the comparison. */
function compute(
  node: ValueNode,
  context: EvaluationContext,
  lookup: (node: MetricNode) => number | undefined,
  top = false,
): Computed | undefined {
  switch (node.type) {
    case 'number':
      return { value: node.value, dimension: node.dimension, shown: node.text, precedence: top ? Infinity : 3 };
    case 'metric': {
      const value = lookup(node);
      if (value === undefined) return undefined;
      const unit = context[node.scope]![node.name]!.unit;
      const formatted = formatValue(value, unit);
      // Alone on its side the name helps the reader; inside arithmetic the source already names it.
      return { value, dimension: dimensionOfUnit(unit), shown: top ? `${node.text} ${formatted}` : formatted, precedence: top ? Infinity : 3 };
    }
    case 'unary': {
      const operand = compute(node.operand, context, lookup);
      if (operand === undefined) return undefined;
      return { value: -operand.value, dimension: operand.dimension, shown: `-${wrap(operand, 3)}`, precedence: 3 };
    }
    case 'binary': {
      const left = compute(node.left, context, lookup);
      const right = compute(node.right, context, lookup);
      if (left === undefined || right === undefined) return undefined;
      const precedence = PRECEDENCE[node.op];
      // Right operands of - and / need parentheses at equal precedence: a − (b − c).
      const rightNeeds = node.op === '-' || node.op === '/' ? precedence + 1 : precedence;
      return {
        value: apply(node.op, left.value, right.value),
        dimension: node.op === '/' && left.dimension === right.dimension ? 'none' : left.dimension === 'none' ? right.dimension : left.dimension,
        shown: `${wrap(left, precedence)} ${SYMBOL[node.op]} ${wrap(right, rightNeeds)}`,
        precedence,
      };
    }
  }
}

function wrap(computed: Computed, needed: number): string {
  return computed.precedence < needed ? `(${computed.shown})` : computed.shown;
}

function apply(op: keyof typeof PRECEDENCE, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
  }
}
