// What a load suite keeps per side (the target, and the compare target) while it runs, and the
// plain data its metrics are computed from once it is done.
import type { Bodies } from '../../http-client/bodies.ts';
import type { PhaseResult } from '../../http-client/phase.ts';
import type { Side } from '../../http-client/side.ts';
import type { MemoryPeaks } from '../../probes/memory-sampler.ts';
import type { CeilingResult } from '../../targets/target.ts';

/**
 * Bodies reserved for each closed round: round r sends bodies from r × CLOSED_RANGE, and the
 * in-process ceiling of that round is measured from the same texts, so the check compares the
 * server and the ceiling on the same work. Other phases draw from after the reserved ranges. A
 * closed phase that sends more than this runs into the next round's texts, which matters only with
 * the cache on (the repeat warning says when texts repeated).
 */
export const CLOSED_RANGE = 2048;

export interface Recovery {
  recovered: boolean;
  ms: number;
  windows: number;
}

export interface SideRun {
  side: Side;
  bodies: Bodies;
  texts: string[];
  next: number;
  phases: Map<string, PhaseResult[]>;
  recoveries: Recovery[];
  ceilings: CeilingResult[];
  capacity?: number;
  /** 2xx answers in sequential, closed and open phases: past distinctTexts, texts were repeated. */
  answeredInMeasuredPhases: number;
}

/** Everything summarise needs about one side, read off its processes once the phases are done. */
export interface SideMeasurements {
  label: string;
  url: string;
  phases: ReadonlyMap<string, readonly PhaseResult[]>;
  recoveries: readonly Recovery[];
  ceilings: readonly CeilingResult[];
  /** The capacity the overload was measured against. */
  capacity?: number;
  /** The embedgate serve the side started, when it started one. */
  serve?: { coldStartMs: number; pid: number };
  memory?: { peaks: MemoryPeaks; byPid: Record<string, unknown> };
  /** Why memory could not be sampled, when it could not. */
  memoryUnavailable?: string;
  cacheHitRate?: number;
  crashes: { count: number; lines: string[] };
  oom: string[];
  /** Whether out-of-memory events could be seen at all (a server of our own, or sampled processes). */
  oomWatched: boolean;
}
