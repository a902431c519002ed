// The self-check's suite plans: each file under suites/selfcheck/ loaded as any suite is, then
// pointed at one scenario's servers and named `<scenario>/<suite>`, so a single run (and report)
// holds them all.
import { join } from 'node:path';
import { formatConfigErrors, loadSuite } from '../config/load.ts';
import { SUITES_DIR } from '../paths.ts';
import type { SuitePlan, TargetRef } from '../plan.ts';
import type { Scenario, SelfcheckSuite } from './regressions.ts';
import type { ScenarioEndpoints } from './servers.ts';

export const SELFCHECK_SUITES_DIR = join(SUITES_DIR, 'selfcheck');

const http = (url: string): TargetRef => ({ type: 'http', name: url, http: { url } });

export function loadSelfcheckSuites(names: Iterable<SelfcheckSuite>): Map<SelfcheckSuite, SuitePlan> {
  const plans = new Map<SelfcheckSuite, SuitePlan>();
  for (const name of new Set(names)) {
    const loaded = loadSuite(join(SELFCHECK_SUITES_DIR, `${name}.yaml`));
    if (!loaded.ok) throw new Error(`selfcheck suite ${name}.yaml does not load:\n${formatConfigErrors(loaded.errors)}`);
    plans.set(name, loaded.plan);
  }
  return plans;
}

/** `suite` for `scenario`: its target the scenario's server, its compare (if any) the clean reference. */
export function planFor(scenario: Scenario, suite: SelfcheckSuite, template: SuitePlan, endpoints: ScenarioEndpoints): SuitePlan {
  const url = suite === 'memory' ? endpoints.directUrl : endpoints.url;
  return {
    ...template,
    name: `${scenario.name}/${suite}`,
    target: http(url),
    ...(template.compare ? { compare: http(endpoints.referenceUrl) } : {}),
  };
}

/** The name of a planned suite split back into scenario and suite. */
export function splitSuiteName(name: string): { scenario: string; suite: string } {
  const at = name.indexOf('/');
  return at < 0 ? { scenario: name, suite: '' } : { scenario: name.slice(0, at), suite: name.slice(at + 1) };
}
