// The shipped alert rules pass `promtool check rules` and their unit tests (`promtool test rules`),
// and the scaling a fault suite applies keeps them valid. Without promtool the test is skipped,
// loudly, except under CI=true, where a missing promtool fails it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';
import { scaleExpr, scaleRules } from './scale-rules.ts';

const RULES = join(REPO_ROOT, 'monitoring/embedgate-rules.yaml');
const TESTS = join(REPO_ROOT, 'monitoring/embedgate-rules.test.yaml');
const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));
const wanted = promtool !== undefined || process.env['CI'] === 'true';
if (!wanted) console.warn('rules.test: SKIPPED promtool checks: no promtool (apt-get install prometheus)');

describe('alert rules', () => {
  it('scales range selectors, subqueries and for: for a short run, never below what a 1 s scrape can honour', () => {
    expect(scaleExpr('increase(x[10m]) > 0', 1 / 60)).toBe('increase(x[10s]) > 0');
    expect(scaleExpr('quantile_over_time(0.5, r[1d:1m])', 0.01)).toBe('quantile_over_time(0.5, r[864s:1s])');
    expect(scaleExpr('rate(x[1m])', 0.01)).toBe('rate(x[4s])');
    const scaled = scaleRules(readFileSync(RULES, 'utf8'), 0.01);
    expect(scaled).toContain('for: 3s');
    expect(scaled).not.toMatch(/for: 5m/);
  });

  it.runIf(wanted)('pass promtool check rules and promtool test rules, scaled or not', () => {
    if (!promtool) throw new Error('CI=true but promtool is missing: install Debian’s prometheus package');
    execFileSync(promtool, ['check', 'rules', RULES], { stdio: 'pipe' });
    const tested = spawnSync(promtool, ['test', 'rules', TESTS], { encoding: 'utf8' });
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-rules-'));
    try {
      writeFileSync(join(dir, 'scaled.yaml'), scaleRules(readFileSync(RULES, 'utf8'), 1 / 60));
      execFileSync(promtool, ['check', 'rules', join(dir, 'scaled.yaml')], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(wanted)('a rules test that expects the wrong thing fails promtool', () => {
    if (!promtool) throw new Error('CI=true but promtool is missing');
    const dir = mkdtempSync(join(tmpdir(), 'embedgate-rules-'));
    try {
      writeFileSync(join(dir, 'embedgate-rules.yaml'), readFileSync(RULES, 'utf8'));
      // The circuit test, but expecting no alert while the circuit is open.
      writeFileSync(join(dir, 't.yaml'), `rule_files: [embedgate-rules.yaml]\ntests:\n  - interval: 30s\n    input_series:\n      - series: 'embedgate_circuit_open{job="embedgate", instance="a:1"}'\n        values: '1 1 1 1'\n    alert_rule_test:\n      - eval_time: 1m\n        alertname: EmbedgateCircuitOpen\n        exp_alerts: []\n`);
      expect(spawnSync(promtool, ['test', 'rules', join(dir, 't.yaml')]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
