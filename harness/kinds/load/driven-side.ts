// The hook through which a load suite drives a target that is not an HTTP embeddings server: a
// target with drivePhase (mcp: tool calls) runs each phase itself and returns the PhaseResult
// runPhase gives over HTTP, so summaries, checks and reports read both alike. Its side has no
// URL to hand autocannon, only the processes to sample.
import type { PhaseResult, PhaseSpec } from '../../http-client/phase.ts';
import { runPhase } from '../../http-client/phase.ts';
import { sideAt, type Side, type SideOptions } from '../../http-client/side.ts';
import { has, type DriveSettings, type Target } from '../../targets/target.ts';

/** Whether the target runs load phases itself instead of being driven over HTTP by autocannon. */
export const drivesItself = (target: Target): boolean => has(target, 'drivePhase');

/** The side of a target that drives itself: its description for a URL, its own processes to sample. */
export function drivenSide(role: Side['role'], target: Target, opts: SideOptions): Side {
  const d = target.describe();
  return sideAt(role, target, {
    url: d.url ?? d.ref,
    modelId: target.info?.().name ?? '',
    processes: target.processes?.() ?? { pids: [], unavailable: `${d.ref} names no process on this machine` },
    close: async () => {},
  }, opts);
}

/** How a phase of this side runs: the target's own driver, or autocannon over HTTP. */
export function phaseDriver(target: Target, settings: DriveSettings): (spec: PhaseSpec) => Promise<PhaseResult> {
  return has(target, 'drivePhase') ? (spec) => target.drivePhase(spec, settings) : runPhase;
}
