/**
 * Parser for gate checks. A hand-written recursive descent over this grammar (ISO EBNF; the same
 * text is in docs/checks.md). Checks are never evaluated as JavaScript: k6 learnt that `avg=123`
 * then silently passes forever.
 *
 *   check      = sum , comparison , sum ;
 *   comparison = "<" | "<=" | ">" | ">=" | "==" | "!=" ;
 *   sum        = product , { ( "+" | "-" ) , product } ;
 *   product    = unary , { ( "*" | "/" ) , unary } ;
 *   unary      = "-" , unary | primary ;
 *   primary    = number | metric | "(" , sum , ")" ;
 *   number     = digits , [ "." , digits ] , [ unit ] ;     (no space before the unit)
 *   digits     = digit , { digit } ;
 *   unit       = "ns" | "us" | "µs" | "ms" | "s" | "m" | "h"
 *              | "B" | "KB" | "MB" | "GB" | "TB" | "KiB" | "MiB" | "GiB" | "TiB"
 *              | "%" | "x" ;
 *   metric     = segment , { "." , segment } ;                (no spaces inside)
 *   segment    = ( "a".."z" | "_" ) , { "a".."z" | "0".."9" | "_" } ;
 *
 * Spaces and tabs may separate tokens. A metric whose first segment is a scope prefix
 * (`baseline.`, `machine.`; see SCOPES in expression.ts) reads that scope's metrics.
 */
import type { CheckExpression, ComparisonOperator, MetricNode, NumberNode, ValueNode } from './expression.ts';
import { SCOPE_PREFIXES } from './expression.ts';
import { CheckSyntaxError, tokenize, type Token } from './lex.ts';
import { CHECK_UNITS } from './units.ts';

export { CheckSyntaxError } from './lex.ts';

const OPERAND = 'a number or metric name';
const COMPARISONS = 'a comparison (<, <=, >, >=, ==, !=)';

/** Parses one check. Throws CheckSyntaxError with the column and what was expected. */
export function parseCheck(source: string): CheckExpression {
  return new Parser(source).check();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  check(): CheckExpression {
    if (this.peek().kind === 'end') {
      throw new CheckSyntaxError('empty check', 1, `${OPERAND}, then ${COMPARISONS}`);
    }
    const left = this.sum();
    const comparison = this.peek();
    if (comparison.kind !== 'compare') this.failAfterOperand(`an arithmetic operator or ${COMPARISONS}`);
    this.index++;
    const right = this.sum();
    const extra = this.peek();
    if (extra.kind === 'compare') {
      throw new CheckSyntaxError(
        `only one comparison is allowed per check, found a second '${extra.text}' (write two checks instead)`,
        extra.column,
        'an arithmetic operator or the end of the check',
      );
    }
    if (extra.kind !== 'end') this.failAfterOperand('an arithmetic operator or the end of the check');
    return {
      type: 'comparison',
      op: comparison.text as ComparisonOperator,
      left,
      right,
      column: comparison.column,
      source: this.source,
    };
  }

  private sum(): ValueNode {
    let left = this.product();
    for (let t = this.peek(); t.kind === 'op' && (t.text === '+' || t.text === '-'); t = this.peek()) {
      this.index++;
      left = { type: 'binary', op: t.text, left, right: this.product(), column: t.column };
    }
    return left;
  }

  private product(): ValueNode {
    let left = this.unary();
    for (let t = this.peek(); t.kind === 'op' && (t.text === '*' || t.text === '/'); t = this.peek()) {
      this.index++;
      left = { type: 'binary', op: t.text, left, right: this.unary(), column: t.column };
    }
    return left;
  }

  private unary(): ValueNode {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '-') {
      this.index++;
      return { type: 'unary', op: '-', operand: this.unary(), column: t.column };
    }
    return this.primary();
  }

  private primary(): ValueNode {
    const t = this.peek();
    if (t.kind === 'number') {
      this.index++;
      const unit = t.unit === undefined ? undefined : CHECK_UNITS[t.unit];
      const node: NumberNode = {
        type: 'number',
        value: t.value,
        dimension: unit?.dimension ?? 'none',
        text: t.text,
        column: t.column,
      };
      if (t.unit !== undefined) node.unit = t.unit;
      return node;
    }
    if (t.kind === 'name') {
      this.index++;
      return metricNode(t.text, t.column);
    }
    if (t.kind === 'op' && t.text === '(') {
      this.index++;
      const inner = this.sum();
      const close = this.peek();
      if (close.kind !== 'op' || close.text !== ')') {
        if (close.kind === 'end' || close.kind === 'compare') {
          throw new CheckSyntaxError(`expected ')' to close the '(' from column ${t.column}`, close.column, "')'");
        }
        this.failAfterOperand("an arithmetic operator or ')'");
      }
      this.index++;
      return inner;
    }
    const previous = this.tokens[this.index - 1];
    const where = previous ? ` after '${previous.text}'` : '';
    const found = t.kind === 'end' ? '' : `, found '${t.text}'`;
    throw new CheckSyntaxError(`expected ${OPERAND}${where}${found}`, t.column, OPERAND);
  }

  /** An operand was complete but the next token cannot follow it. */
  private failAfterOperand(expected: string): never {
    const t = this.peek();
    const previous = this.tokens[this.index - 1]!;
    if (t.kind === 'name' && previous.kind === 'number' && Object.hasOwn(CHECK_UNITS, t.text)) {
      throw new CheckSyntaxError(
        `a unit must follow its number without a space: write '${previous.text}${t.text}'`,
        t.column,
        expected,
      );
    }
    const found = t.kind === 'end' ? ', found the end of the check' : `, found '${t.text}'`;
    throw new CheckSyntaxError(`expected ${expected} after '${previous.text}'${found}`, t.column, expected);
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }
}

function metricNode(text: string, column: number): MetricNode {
  const dot = text.indexOf('.');
  const prefix = text.slice(0, Math.max(dot, 0));
  const scope = dot > 0 && Object.hasOwn(SCOPE_PREFIXES, prefix) ? SCOPE_PREFIXES[prefix] : undefined;
  if (scope !== undefined) return { type: 'metric', scope, name: text.slice(dot + 1), text, column };
  if (Object.hasOwn(SCOPE_PREFIXES, text)) {
    throw new CheckSyntaxError(`'${text}' is a scope, not a metric: write '${text}.<metric>'`, column, 'a metric name after the scope');
  }
  return { type: 'metric', scope: 'self', name: text, text, column };
}
