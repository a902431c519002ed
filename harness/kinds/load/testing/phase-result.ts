// PhaseResults built by hand for the load kind's unit tests: `latencies` go into the histogram.
import type { PhaseResult } from '../../../http-client/phase.ts';
import { LatencyHistogram } from '../../../metrics/latency.ts';

type Over = Partial<Omit<PhaseResult, 'corrected'>> & { latencies?: number[]; corrected?: number[] };

export function phaseResult(name: string, over: Over = {}): PhaseResult {
  const { latencies = [10, 20, 30], corrected, ...rest } = over;
  const latency = new LatencyHistogram();
  for (const ms of latencies) latency.recordMs(ms);
  const ok = rest.ok ?? latencies.length;
  const result: PhaseResult = {
    name,
    connections: 1,
    wallMs: 1000,
    requests: ok,
    sent: ok,
    answered: ok,
    late: 0,
    graceMs: 0,
    ok,
    throughputRps: ok,
    offeredRps: ok,
    latency,
    statusCodes: { '200': ok },
    errors: { status: 0, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0 },
    rejected: 0,
    rejectedWithoutRetryAfter: 0,
    checked: 0,
    invalid: { total: 0, byReason: {} },
    checkMs: 0,
    generator: { cpuCores: 0.2, eventLoopUtilization: 0.1, saturated: false },
    nextIndex: 0,
    ...rest,
  };
  if (corrected) {
    const h = new LatencyHistogram();
    for (const ms of corrected) h.recordMs(ms);
    result.corrected = h;
  }
  return result;
}
