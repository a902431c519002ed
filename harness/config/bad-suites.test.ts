// Every malformed suite under fixtures/bad-suites/ must be rejected with exactly these positions,
// paths and messages. A file added there without a row here fails the last test.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigErrors } from './errors.ts';
import { REPO_ROOT } from '../paths.ts';
import { loadSuite } from './suite.ts';

const DIR = path.join(REPO_ROOT, 'fixtures', 'bad-suites');

/** [line:col, path, part of the message] per error, in file order. */
const EXPECTED: Record<string, [string, string, string][]> = {
  'syntax-error.yaml': [['4:1', 'checks', 'YAML syntax error']],
  'wrong-type.yaml': [['5:14', 'bench.batchSize', 'expected an integer, found string "eight"']],
  'unknown-key.yaml': [['4:1', 'chekcs', "unknown key 'chekcs' (did you mean 'checks'?)"]],
  'unknown-kind.yaml': [['2:7', 'kind', "unknown kind 'benchmark' (did you mean 'bench'?)"]],
  'unknown-metric.yaml': [['6:5', 'checks[1]', "unknown metric 'single.latency.p59' for kind bench (did you mean 'single.latency.p95'?)"]],
  'bad-duration.yaml': [['4:30', 'bench.time', "bad duration '2 sec'"]],
  'baseline-without-compare.yaml': [['5:31', 'checks[0]', 'the suite has no compare: target']],
  'check-syntax.yaml': [
    ['5:30', 'checks[0]', "check syntax: expected a number or metric name after '*'"],
    ['6:9', 'checks[1]', "check syntax: '=' is not an operator (write '==' to test equality)"],
  ],
  'missing-target.yaml': [['1:1', 'target', "missing required key 'target'"]],
  'unknown-model.yaml': [['3:17', 'target.gguf', "unknown model 'candidat' (did you mean 'candidate'?)"]],
  'duplicate-key.yaml': [['4:1', 'kind', "duplicate key 'kind': already set at line 2"]],
  'bare-number.yaml': [['5:27', 'checks[0]', 'write 50ms, not 50']],
  'unresolved-alias.yaml': [['4:10', 'timeout', 'YAML alias *limit has no anchor &limit before it']],
  'merge-key.yaml': [['6:3', 'bench.<<', 'YAML merge keys (<<) are not supported']],
  'yaml-tag.yaml': [['4:10', 'timeout', 'YAML tag !duration is not supported']],
  'alias-bomb.yaml': [['5:8', 'b[0]', 'YAML aliases: Excessive alias count']],
  'wrong-params-block.yaml': [['5:1', 'bench', "'bench' is the parameter block of kind bench, but this suite is of kind accuracy"]],
  'missing-model-file.yaml': [['3:17', 'target.gguf', 'fixtures/bad-suites/models/absent.gguf does not exist (from the suite\'s target']],
  'many-errors.yaml': [
    ['1:8', 'suite', "'Many Errors' does not have the expected form"],
    ['3:9', 'target', 'target must have exactly one key'],
    ['4:10', 'timeout', "bad duration 'soon'"],
    ['6:14', 'bench.batchSize', 'must be >= 1'],
    ['8:3', 'bench.repeat', "unknown key 'repeat'"],
    ['10:27', 'checks[0]', 'write 50ms, not 50'],
    ['11:31', 'checks[1]', "'baseline.single.latency.p95' reads the baseline"],
    ['12:5', 'checks[2]', "unknown metric 'batch.thruput' for kind bench (did you mean 'batch.throughput'?)"],
    ['13:26', 'checks[3]', "check syntax: expected an arithmetic operator or the end of the check after '0', found '0'"],
  ],
};

describe('malformed suites', () => {
  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    const result = loadSuite(path.join(DIR, name), { env: {} });
    if (result.ok) throw new Error(`${name} loaded without errors`);
    const got = result.errors.map((e) => [`${e.line}:${e.col}`, e.path, e.message] as const);
    expect(got.map(([at, p]) => [at, p])).toEqual(expected.map(([at, p]) => [at, p]));
    got.forEach(([, , message], i) => expect(message).toContain(expected[i]![2]));
    for (const error of result.errors) expect(error.file).toBe(path.join(DIR, name));
  });

  it('has a row here for every file in fixtures/bad-suites', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('formats all errors of a file for the CLI, with positions and expectations, without stack traces', () => {
    const result = loadSuite(path.join(DIR, 'many-errors.yaml'), { env: {} });
    if (result.ok) throw new Error('loaded');
    const text = formatConfigErrors(result.errors, REPO_ROOT);
    expect(text).toContain("fixtures/bad-suites/many-errors.yaml:12:5: checks[2]: unknown metric 'batch.thruput'");
    expect(text).toContain('    expected: a number followed by ms, s, m or h, e.g. 250ms, 2s, 5m');
    expect(text.trimEnd().split('\n').pop()).toBe('9 configuration errors');
    expect(text).not.toMatch(/\n\s+at /);
  });
});
