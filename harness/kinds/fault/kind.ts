// The suite kind `fault`.
import { parseDuration } from '../../config/duration.ts';
import { resolveToxics, ToxicError, type Toxic } from '../../faults/proxy/toxics.ts';
import { defineKind, type ParamsProblem } from '../kind.ts';
import { FAULT_METRICS, FAULT_WINDOW_METRICS } from './metrics.ts';
import { FAULT_PARAMS } from './params.ts';

const LASTING = new Set(['pause', 'cpu', 'memory', 'network', 'corrupt-model']);

/** What the schema cannot say: unique names, starts in order, a duration where the fault lasts, toxics Toxiproxy-valid. */
function checkFaultParams(params: Record<string, unknown>): ParamsProblem[] {
  const problems: ParamsProblem[] = [];
  const faults = (params['faults'] as Record<string, unknown>[] | undefined) ?? [];
  const names = new Set<string>();
  let previous = -1;
  faults.forEach((f, i) => {
    const name = String(f['name']);
    if (names.has(name)) problems.push({ path: ['faults', i, 'name'], message: `fault name "${name}" is used twice`, expected: 'a name of its own for each fault' });
    names.add(name);
    const start = parseDuration(String(f['start'])) ?? 0;
    if (start < previous) problems.push({ path: ['faults', i, 'start'], message: `starts at ${f['start']}, before the fault above it`, expected: 'faults in order of start' });
    previous = start;
    const lasting = LASTING.has(String(f['type']));
    const duration = f['duration'] === undefined ? 0 : (parseDuration(String(f['duration'])) ?? 0);
    if (lasting && duration === 0) problems.push({ path: ['faults', i, 'duration'], message: `a ${f['type']} fault lasts a while, and this one has no duration`, expected: 'a duration, e.g. 3s' });
    if (f['type'] === 'network' && !f['toxics']) problems.push({ path: ['faults', i], message: 'a network fault needs toxics', expected: 'toxics: [{ type: latency, attributes: { latency: 500 } }]' });
    if (f['toxics'] && f['type'] !== 'network') problems.push({ path: ['faults', i, 'toxics'], message: `toxics belong to network faults, and this one is ${f['type']}`, expected: 'type: network' });
    if (Array.isArray(f['toxics'])) {
      try {
        resolveToxics(f['toxics'] as Toxic[]);
      } catch (err) {
        if (!(err instanceof ToxicError)) throw err;
        problems.push({ path: ['faults', i], message: err.message, expected: 'toxics as the fault proxy takes them (harness/faults/proxy/toxics.ts)' });
      }
    }
  });
  return problems;
}

export const fault = defineKind({
  name: 'fault',
  description:
    'injected faults under load (worker or server killed, paused, CPU or memory starved, cache corrupted, model file damaged at restart, network and HTTP faults through a proxy): steady state before, during and after, time to detect and to recover, wrong answers served, alerts in a real Prometheus',
  params: FAULT_PARAMS,
  metrics: FAULT_METRICS,
  windowMetrics: FAULT_WINDOW_METRICS,
  runner: () => import('./runner.ts').then((m) => m.runFault),
  checkParams: checkFaultParams,
});
