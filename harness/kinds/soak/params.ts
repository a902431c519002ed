// The `soak:` block: how long the run lasts, the steady open-model load at a share of measured
// capacity (a mix of queries and documents from the corpus, with repeats for the cache and its
// long inputs), how it is cut into windows, and how memory is sampled and judged for growth.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { withDefault } from '../params.ts';
import { serverParams } from '../server-side/server-params.ts';

/** The window when a suite sets none: a minute, or a tenth of the run when that is shorter (a short run still has 10 windows). */
export const DEFAULT_WINDOW_MS = 60_000;
export const WINDOWS_IN_A_SHORT_RUN = 10;

export const SOAK_PARAMS = Type.Object(
  {
    duration: Duration(withDefault('how long the load runs after warm-up; `embedgate run|gate --duration 24h` overrides it', '10m')),
    window: Type.Optional(Duration({ description: 'length of a window, the slice each per-window figure and check covers (default 1m, or a tenth of the duration when that is shorter)' })),
    settle: Type.Optional(Duration({ description: 'windows that end this soon after the load started are shown but left out of the latency-variation and memory-growth statistics: JIT, pools, allocator arenas (default: one window)' })),
    minWindows: Type.Integer({ minimum: 6, ...withDefault('windows the statistics need: fewer leaves latency variation and memory growth unmeasured, so their checks are inconclusive', 6) }),
    load: Type.Object(
      {
        share: Type.Number({ exclusiveMinimum: 0, maximum: 1, ...withDefault('arrival rate as a share of the capacity measured first (closed model)', 0.5) }),
        rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'arrivals per second (default: share × measured capacity)' })),
        connections: Type.Integer({ minimum: 1, maximum: 1000, ...withDefault('connections of the capacity measurement and most the open model may use', 16) }),
        capacity: Duration(withDefault('length of the closed-model capacity measurement', '3s')),
        warmup: Duration(withDefault('warm-up before measuring capacity', '1s')),
        requestTimeout: Duration(withDefault('per request', '10s')),
        distinctTexts: Type.Integer({ minimum: 1, ...withDefault('cold texts of the corpus the load cycles through (queries and documents as the corpus mixes them, long ones included, drawn by the seed); with a cache smaller than the cycle each is a miss the model embeds', 2048) }),
        repeatShare: Type.Number({ minimum: 0, maximum: 1, ...withDefault('share of requests repeating a text from a hot set of 32 (popular queries the cache should serve)', 0.3) }),
        dataset: Type.Optional(Type.String({ description: 'BEIR folder for request texts, relative to the suite file (default: the ts-api corpus)' })),
      },
      { additionalProperties: false, default: {} },
    ),
    memory: Type.Object(
      {
        interval: Duration(withDefault('how often the target’s memory is sampled (/proc/PID/smaps_rollup, its heap probe)', '1s')),
        gcEvery: Duration(withDefault('embedgate serve started by the harness: its heap probe forces a full GC this often, so growth is judged on what survives it', '2s')),
        allowedBytesPerRequest: Type.Number({ minimum: 0, ...withDefault('growth per request tolerated before growth across the windows counts as a leak', 1024) }),
        confidence: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, ...withDefault('confidence of the slope interval (Sen’s interval of the Theil–Sen slope)', 0.95) }),
      },
      { additionalProperties: false, default: {} },
    ),
    poll: Duration(withDefault('how often /health is read (worker restarts)', '1s')),
    server: serverParams('how the harness starts `embedgate serve` for gguf targets (ignored for http targets); the cache is 1 MiB unless cacheMb is set: room for the hot set, not for the cold cycle, so the model keeps working and the cache is full within seconds'),
  },
  { additionalProperties: false },
);

export type SoakParams = StaticDecode<typeof SOAK_PARAMS>;

/** How long after the load's start windows are left out of the statistics. */
export function settleLength(p: Pick<SoakParams, 'duration' | 'window' | 'settle'>): number {
  return p.settle ?? windowLength(p);
}

/** The window length a run uses. */
export function windowLength(p: Pick<SoakParams, 'duration' | 'window'>): number {
  return p.window ?? Math.max(1000, Math.min(DEFAULT_WINDOW_MS, Math.floor(p.duration / WINDOWS_IN_A_SHORT_RUN)));
}
