import { describe, expect, it } from 'vitest';
import { CheckSyntaxError, parseCheck } from './parse.ts';
import type { ValueNode } from './expression.ts';

/** The tree as a compact string, to assert structure and precedence at a glance. */
function show(node: ValueNode): string {
  switch (node.type) {
    case 'number':
      return `${node.value}${node.dimension === 'none' ? '' : `:${node.dimension}`}`;
    case 'metric':
      return node.scope === 'self' ? node.name : `${node.scope}:${node.name}`;
    case 'unary':
      return `(-${show(node.operand)})`;
    case 'binary':
      return `(${show(node.left)} ${node.op} ${show(node.right)})`;
  }
}

function tree(source: string): string {
  const check = parseCheck(source);
  return `${show(check.left)} ${check.op} ${show(check.right)}`;
}

function syntaxError(source: string): CheckSyntaxError {
  try {
    parseCheck(source);
  } catch (error) {
    if (error instanceof CheckSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected '${source}' to be rejected`);
}

describe('parseCheck accepts', () => {
  it.each([
    ['latency.p95 <= 2 * baseline.latency.p95', 'latency.p95 <= (2 * baseline:latency.p95)'],
    ['memory.rss.peak < 70% * machine.memory', 'memory.rss.peak < (0.7 * machine:memory)'],
    ['errors.rate < 1%', 'errors.rate < 0.01'],
    ['single.latency.p95 <= 50ms', 'single.latency.p95 <= 50:time'],
    ['cosine.min >= 0.999', 'cosine.min >= 0.999'],
    ['batch.throughput >= 0.9 * baseline.batch.throughput', 'batch.throughput >= (0.9 * baseline:batch.throughput)'],
    ['a + b * c == 1', '(a + (b * c)) == 1'],
    ['(a + b) * c != 1', '((a + b) * c) != 1'],
    ['a - b - c > 0', '((a - b) - c) > 0'],
    ['a / b / c > 0', '((a / b) / c) > 0'],
    ['-a < -2', '(-a) < (-2)'],
    ['- -a < 1', '(-(-a)) < 1'],
    ['ndcg_at_10 >= 0.5', 'ndcg_at_10 >= 0.5'],
    ['speedup >= 2.8x', 'speedup >= 2.8'],
    ['x<=1s', 'x <= 1000:time'],
    ['x < 1.5m', 'x < 90000:time'],
    ['x < 1h', 'x < 3600000:time'],
    ['x < 500us', 'x < 0.5:time'],
    ['x < 2000ns', 'x < 0.002:time'],
    ['rss < 2KB', 'rss < 2000:bytes'],
    ['rss < 2KiB', 'rss < 2048:bytes'],
    ['rss < 1GiB', 'rss < 1073741824:bytes'],
    ['rss < 3MB', 'rss < 3000000:bytes'],
    ['rss < 512B', 'rss < 512:bytes'],
    ['rss < 1TB', 'rss < 1000000000000:bytes'],
    ['\ta\t>\t1\t', 'a > 1'],
  ])('%s', (source, expected) => {
    expect(tree(source)).toBe(expected);
  });

  it('keeps columns of operators and operands', () => {
    const check = parseCheck('latency.p95 <= 2 * baseline.latency.p95');
    expect(check.column).toBe(13);
    expect(check.source).toBe('latency.p95 <= 2 * baseline.latency.p95');
    expect(check.right).toMatchObject({ type: 'binary', op: '*', column: 18 });
    if (check.right.type !== 'binary') throw new Error('not binary');
    expect(check.right.right).toMatchObject({ type: 'metric', scope: 'baseline', name: 'latency.p95', text: 'baseline.latency.p95', column: 20 });
  });
});

describe('parseCheck rejects', () => {
  it.each([
    ['avg=123', 4, "'=' is not an operator"],
    ['a <', 4, "expected a number or metric name after '<'"],
    ['5 5', 3, "after '5', found '5'"],
    ['1 < 2 < 3', 7, 'only one comparison'],
    ['x < 5parsecs', 6, "unknown unit 'parsecs'"],
    ['x < 5mb', 6, "unknown unit 'mb' (did you mean 'MB'?)"],
    ['x < 5kib', 6, "unknown unit 'kib'"],
    ['x < 50 ms', 8, "write '50ms'"],
    ['', 1, 'empty check'],
    ['latency.p95', 12, 'found the end of the check'],
    ['latency.p95 50ms', 13, "after 'latency.p95', found '50ms'"],
    ['a * < 3', 5, "after '*', found '<'"],
    ['single.latency.p95 <= 2 *', 26, "expected a number or metric name after '*'"],
    ['(a + b < 3', 8, "expected ')'"],
    ['a + b) < 3', 6, "found ')'"],
    ['a < 3)', 6, "found ')'"],
    ['Latency.p95 < 3', 1, 'lower case'],
    ['latency.P95 < 3', 9, 'lower case'],
    ['latency.95 < 3', 9, 'cannot start with a digit'],
    ['latency. < 3', 9, "after '.'"],
    ['a ! b', 3, "'!' is not an operator"],
    ['a => b', 3, "'=' is not an operator"],
    ['a < 3 $', 7, "unexpected character '$'"],
    ['a < 1.', 7, "expected a digit after '1.'"],
    ['baseline < 2', 1, 'is a scope, not a metric'],
    ['+a < 2', 1, "found '+'"],
    ['a < b < c', 7, 'only one comparison'],
  ])('%j at column %i', (source, column, message) => {
    const error = syntaxError(source);
    expect(error.column).toBe(column);
    expect(error.message).toContain(message);
    expect(error.message).toContain(`at column ${column}`);
    expect(error.expected.length).toBeGreaterThan(0);
  });

  it('says what it expected, in the message form the brief asks for', () => {
    expect(syntaxError('cosine.min >= 2 * ').message).toBe("expected a number or metric name after '*' at column 19");
  });
});
