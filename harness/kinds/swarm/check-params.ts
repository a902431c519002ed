// Load-time check of a `swarm:` block beyond its schema: resolves it exactly as the runner will,
// so a DAG cycle, an unknown agent or a byzantine weight over the tolerance is a configuration
// error (exit 2) with its position in the file, not a failed run.
import { dirname } from 'node:path';
import { resolveSwarmPlan, SwarmConfigError } from '../../targets/swarm/params.ts';

/** "scenarios[1].faults[0]" → ["scenarios", 1, "faults", 0] */
export function pathSegments(path: string): (string | number)[] {
  return path
    .split('.')
    .filter(Boolean)
    .flatMap((part) => {
      const [head, ...indexes] = part.split('[');
      return [...(head ? [head] : []), ...indexes.map((i) => Number(i.replace(']', '')))];
    });
}

export function checkSwarmParams(params: Record<string, unknown>, suiteFile: string): { path: (string | number)[]; message: string; expected: string }[] {
  try {
    resolveSwarmPlan(params, dirname(suiteFile));
    return [];
  } catch (err) {
    if (!(err instanceof SwarmConfigError)) throw err;
    return [{ path: pathSegments(err.path), message: err.detail, expected: 'a swarm configuration the simulation can run (see harness/kinds/swarm/params.ts)' }];
  }
}
