// Load-time checking of a parsed check against the metrics its suite kind produces: every name
// must exist, and time, bytes and plain numbers must not be mixed. A check that passes here can
// still be inconclusive at run time (a metric not measured), but never meaningless.
import { MACHINE_METRICS, type MetricCatalog } from '../kinds/catalog.ts';
import type { Dimension } from '../result.ts';
import { SCOPES, metricsOf, type CheckExpression, type MetricNode, type ValueNode } from './expression.ts';
import { didYouMean } from './suggest.ts';
import { dimensionOfUnit } from './units.ts';

export interface CheckTypeError {
  message: string;
  /** 1-based column inside the check text of the offending token. */
  column: number;
  expected: string;
}

export interface TypeEnvironment {
  kind: string;
  /** The kind's catalog, or undefined for a kind with no runner yet: names are then not checked. */
  metrics: MetricCatalog | undefined;
  /** Whether the suite has `compare:`, which `baseline.` needs. */
  hasCompare: boolean;
  /** Whether the suite has `reference:`, which `reference.` needs. */
  hasReference?: boolean;
  machine?: MetricCatalog;
  /** The `ceiling.` catalog of kinds that measure an in-process ceiling; absent: `ceiling.` is an error. */
  ceiling?: MetricCatalog;
  /** 'windows': a check over windows; `metrics` is then the kind's window catalog and only `machine.` may be prefixed. */
  over?: 'windows';
}

/** 'unknown': the name could not be checked or was already reported, so say nothing more about it. */
type Inferred = Dimension | 'unknown';

const SUGGESTED_UNIT: Record<Dimension, string> = { time: 'ms', bytes: 'MB', none: '' };
const DESCRIBED: Record<Dimension, string> = { time: 'a time', bytes: 'a size in bytes', none: 'a plain number' };

/** Every problem in the check, in source order; empty when the check is sound. */
export function typeCheck(check: CheckExpression, env: TypeEnvironment): CheckTypeError[] {
  const errors: CheckTypeError[] = [];
  const metrics = metricsOf(check);
  if (metrics.length === 0) {
    errors.push({
      message: 'the check reads no metric, so it can never tell anything about the run',
      column: 1,
      expected: 'at least one metric name, e.g. latency.p95',
    });
  }
  const infer = (node: ValueNode): Inferred => {
    switch (node.type) {
      case 'number':
        return node.dimension;
      case 'metric':
        return metricDimension(node, env, errors);
      case 'unary':
        return infer(node.operand);
      case 'binary': {
        const left = infer(node.left);
        const right = infer(node.right);
        if (left === 'unknown' || right === 'unknown') return 'unknown';
        if (node.op === '+' || node.op === '-') {
          return sameDimension(node.left, left, node.right, right, node.column, node.op === '+' ? 'add' : 'subtract', errors);
        }
        if (node.op === '*') {
          if (left === 'none') return right;
          if (right === 'none') return left;
          errors.push({
            message: `cannot multiply ${DESCRIBED[left]} by ${DESCRIBED[right]}`,
            column: node.column,
            expected: 'one side of * to be a plain number, e.g. 2 * baseline.latency.p95',
          });
          return 'unknown';
        }
        if (right === 'none') return left;
        if (left === right) return 'none';
        errors.push({
          message: `cannot divide ${DESCRIBED[left]} by ${DESCRIBED[right]}`,
          column: node.column,
          expected: 'a divisor that is a plain number or of the same dimension as the dividend',
        });
        return 'unknown';
      }
    }
  };
  const left = infer(check.left);
  const right = infer(check.right);
  if (left !== 'unknown' && right !== 'unknown') {
    sameDimension(check.left, left, check.right, right, check.column, 'compare', errors);
  }
  return errors.sort((a, b) => a.column - b.column);
}

function metricDimension(node: MetricNode, env: TypeEnvironment, errors: CheckTypeError[]): Inferred {
  const scope = SCOPES[node.scope];
  if (env.over === 'windows' && node.scope !== 'self' && node.scope !== 'machine') {
    errors.push({
      message: `'${node.text}' reads ${scope.description}, but a check over windows reads one window of the suite's own target`,
      column: node.column,
      expected: `a window metric of kind ${env.kind}, or machine.<metric>`,
    });
    return 'unknown';
  }
  if (scope.needsCompare && !env.hasCompare) {
    errors.push({
      message: `'${node.text}' reads the baseline, but the suite has no compare: target`,
      column: node.column,
      expected: 'a `compare: { gguf: baseline }` entry in the suite, or a check without baseline.',
    });
    return 'unknown';
  }
  if (scope.needsReference && !env.hasReference) {
    errors.push({
      message: `'${node.text}' reads the reference server, but the suite has no reference:`,
      column: node.column,
      expected: 'a `reference: { http: <URL> }` or `reference: { command: [...] }` entry in a load suite, or a check without reference.',
    });
    return 'unknown';
  }
  if (scope.catalog === 'ceiling' && env.ceiling === undefined && env.metrics !== undefined) {
    errors.push({
      message: `'${node.text}' reads the in-process ceiling, which suites of kind ${env.kind} do not measure`,
      column: node.column,
      expected: 'ceiling. only in load suites',
    });
    return 'unknown';
  }
  const catalog = scope.catalog === 'machine' ? (env.machine ?? MACHINE_METRICS) : scope.catalog === 'ceiling' ? env.ceiling : env.metrics;
  if (catalog === undefined) return 'unknown';
  const spec = Object.hasOwn(catalog, node.name) ? catalog[node.name] : undefined;
  if (spec === undefined) {
    const owner =
      scope.catalog === 'machine' ? 'the machine' : scope.catalog === 'ceiling' ? 'the in-process ceiling' : env.over === 'windows' ? `the windows of kind ${env.kind}` : `kind ${env.kind}`;
    const prefix = node.scope === 'self' ? '' : `${node.scope}.`;
    // `memory` is most likely `machine.memory` forgotten its scope, whatever else looks close.
    const machine = env.machine ?? MACHINE_METRICS;
    const hint =
      node.scope === 'self' && Object.hasOwn(machine, node.name)
        ? ` (did you mean 'machine.${node.name}'?)`
        : didYouMean(node.text, allNames(env));
    errors.push({
      message: `unknown metric '${node.text}' for ${owner}${hint}`,
      column: node.column,
      expected: `one of ${Object.keys(catalog).map((name) => prefix + name).join(', ') || '(no metrics)'}`,
    });
    return 'unknown';
  }
  return dimensionOfUnit(spec.unit);
}

/** Every name a check of this suite could use, scope prefixes included, for suggestions. */
function allNames(env: TypeEnvironment): string[] {
  const own = Object.keys(env.metrics ?? {});
  const names = [...own, ...Object.keys(env.machine ?? MACHINE_METRICS).map((n) => `machine.${n}`)];
  if (env.hasCompare) names.push(...own.map((n) => `baseline.${n}`));
  if (env.hasReference) names.push(...own.map((n) => `reference.${n}`));
  return names;
}

function sameDimension(
  leftNode: ValueNode,
  left: Dimension,
  rightNode: ValueNode,
  right: Dimension,
  column: number,
  verb: 'add' | 'subtract' | 'compare',
  errors: CheckTypeError[],
): Dimension | 'unknown' {
  if (left === right) return left;
  // The common mistake is a bare threshold: `latency.p95 <= 50`. Point at the number, name the fix.
  const bare = [leftNode, rightNode].find((n) => n.type === 'number' && n.unit === undefined);
  const dimension = left === 'none' ? right : left;
  if (bare?.type === 'number' && dimension !== 'none') {
    const fixed = `${bare.text}${SUGGESTED_UNIT[dimension]}`;
    errors.push({
      message: `${bare.text} has no unit but is used with ${DESCRIBED[dimension]}: write ${fixed}, not ${bare.text}`,
      column: bare.column,
      expected: `a ${dimension === 'time' ? 'time unit (ns us ms s m h)' : 'size unit (B KB MB GB TB KiB MiB GiB TiB)'}`,
    });
  } else {
    errors.push({
      message: `cannot ${verb} ${DESCRIBED[left]} and ${DESCRIBED[right]}`,
      column,
      expected: 'both sides of the same dimension (time with time, bytes with bytes)',
    });
  }
  return 'unknown';
}
