import { describe, expect, it } from 'vitest';
import { describeExitCode, sortMetricNames } from './format.ts';

describe('report format', () => {
  it('names every exit code', () => {
    expect([0, 1, 2, 3].map(describeExitCode)).toEqual(['pass', 'gate failed', 'bad configuration or usage', 'inconclusive or harness error']);
  });

  it('sorts percentiles numerically', () => {
    expect(sortMetricNames(['a.p99', 'a.p5', 'a.p50'])).toEqual(['a.p5', 'a.p50', 'a.p99']);
  });
});
