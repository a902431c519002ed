// Turns a suite's `checks:` list into PlannedChecks: parse each one, type-check it against the
// kind's metrics (a check over windows: its window metrics), and move every column from "inside
// the expression" to "inside the file".
import type { SuiteKind } from '../kinds/kind.ts';
import type { PlannedCheck, WindowRule } from '../plan.ts';
import { parseCheck } from '../gates/parse.ts';
import { CheckSyntaxError } from '../gates/lex.ts';
import { typeCheck } from '../gates/typecheck.ts';
import type { ConfigError } from './errors.ts';
import { readWindowRule } from './window-rule.ts';
import { formatPath, nodeAt, positionOf, type YamlSource } from './yaml-source.ts';

export interface CheckContext {
  /** undefined when the suite's kind is unknown: checks are then only parsed. */
  kind?: SuiteKind;
  hasCompare: boolean;
  /** Whether the suite names a `reference:` server, which `reference.` needs. */
  hasReference?: boolean;
}

export function compileChecks(source: YamlSource, context: CheckContext): { checks: PlannedCheck[]; errors: ConfigError[] } {
  const list = (source.data as Record<string, unknown>)['checks'];
  const checks: PlannedCheck[] = [];
  const errors: ConfigError[] = [];
  if (!Array.isArray(list)) return { checks, errors }; // a wrong type is the schema's to report
  list.forEach((item: unknown, index) => {
    const mapping = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    const text = mapping ? mapping['check'] : item;
    if (typeof text !== 'string') return; // a wrong type or a missing check: is the schema's to report
    const segments: (string | number)[] = mapping ? ['checks', index, 'check'] : ['checks', index];
    let window: WindowRule | undefined;
    if (mapping) {
      const read = readWindowRule(source, index, mapping);
      errors.push(...read.errors);
      window = read.rule;
      if (context.kind?.implemented && !context.kind.windowMetrics) {
        errors.push({
          file: source.file,
          ...positionOf(source, ['checks', index, 'over']),
          path: formatPath(['checks', index, 'over']),
          message: `suites of kind ${context.kind.name} emit no windows, so a check over windows could never be judged`,
          expected: 'a plain check, judged once when the suite ends',
        });
      }
    }
    const start = expressionStart(source, segments, text);
    const at = (column: number) => ({ ...source.lineCounter.linePos(start + column - 1), file: source.file });
    const error = (column: number, message: string, expected: string): ConfigError => {
      const { line, col } = at(column);
      return { file: source.file, line, col, path: formatPath(segments), message, expected };
    };
    try {
      const expression = parseCheck(text);
      if (context.kind && window) {
        const metrics = context.kind.implemented ? context.kind.windowMetrics : undefined;
        // Without a window catalog the `over` error above says it all; names cannot be checked.
        if (metrics || !context.kind.implemented) {
          for (const e of typeCheck(expression, { kind: context.kind.name, metrics, hasCompare: false, over: 'windows' })) {
            errors.push(error(e.column, e.message, e.expected));
          }
        }
      } else if (context.kind) {
        const metrics = context.kind.implemented ? context.kind.metrics : undefined;
        const ceiling = context.kind.ceilingMetrics;
        for (const e of typeCheck(expression, { kind: context.kind.name, metrics, hasCompare: context.hasCompare, hasReference: context.hasReference ?? false, ...(ceiling ? { ceiling } : {}) })) {
          errors.push(error(e.column, e.message, e.expected));
        }
      }
      checks.push({ source: text, expression, position: at(1), ...(window ? { window } : {}) });
    } catch (cause) {
      if (!(cause instanceof CheckSyntaxError)) throw cause;
      errors.push(error(cause.column, `check syntax: ${cause.detail}`, cause.expected));
    }
  });
  if (errors.length === 0) checks.push(...defaultVectorChecks(source, context, checks));
  return { checks, errors };
}

/** Metrics that count wrong vectors or answers: each gets a default `== 0` check where the kind has it. */
// command.exit_code: a tests suite whose command failed before writing any report must fail, not
// sit inconclusive because its report checks have nothing to read.
const DEFAULT_ZERO_METRICS = ['vectors.invalid', 'responses.invalid', 'command.exit_code'] as const;

/**
 * NaN, all-zero and wrong-length vectors are what teams report right after a model switch, and a
 * server that answers fast but wrongly must not pass a load suite, so every suite whose kind counts
 * them checks them unless it names the metric itself or sets `vectorChecks: false`. The implicit
 * check points at the `kind:` line.
 */
function defaultVectorChecks(source: YamlSource, context: CheckContext, written: PlannedCheck[]): PlannedCheck[] {
  if (!context.kind?.implemented) return [];
  if ((source.data as Record<string, unknown>)['vectorChecks'] === false) return [];
  const position = { file: source.file, ...positionOf(source, ['kind']) };
  return DEFAULT_ZERO_METRICS.filter((metric) => context.kind!.metrics[metric]).flatMap((metric) => {
    const names = (scope: string) => written.some((c) => !c.window && new RegExp(`(^|[^.\\w])${scope}${metric.replace('.', '\\.')}\\b`).test(c.source));
    const wanted = [
      ...(names('') ? [] : [`${metric} == 0`]),
      ...(context.hasCompare && !names('baseline.') ? [`baseline.${metric} == 0`] : []),
      // A reference answering wrongly would make every ratio to it meaningless.
      ...(context.hasReference && !names('reference.') ? [`reference.${metric} == 0`] : []),
    ];
    return wanted.map((text) => ({ source: text, expression: parseCheck(text), position, implicit: true }));
  });
}

/**
 * Offset in the file of the check's first character. The node's range starts at the quote for a
 * quoted scalar and at the indicator for a block scalar, so find the text itself from there.
 */
function expressionStart(source: YamlSource, segments: (string | number)[], text: string): number {
  const node = nodeAt(source, segments).node;
  const from = node?.range?.[0];
  if (from === undefined) {
    const { line, col } = positionOf(source, segments);
    return source.lineCounter.lineStarts[line - 1]! + col - 1;
  }
  const found = source.text.indexOf(text, from);
  return found >= 0 && found <= (node?.range?.[1] ?? from) ? found : from;
}
