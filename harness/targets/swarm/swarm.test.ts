import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSwarmConfig, resolveSwarmPlan, SwarmConfigError } from './params.ts';
import { runSwarm } from './simulation.ts';

// A fixed fast-check seed keeps CI repeatable; set FC_SEED to explore other seeds locally.
const FC_SEED = Number(process.env.FC_SEED ?? 20261124);

const base = (extra: Record<string, unknown> = {}) => resolveSwarmConfig(extra, '.');

/** What to paste to replay a failing case: the fault schedule as a swarm block (JSON is YAML) and the seed. */
function replayOf(seed: number, block?: Record<string, unknown>): string {
  const rerun = `FC_SEED=${FC_SEED} npx vitest run harness/targets/swarm`;
  if (!block) return `replay: embedgate swarm --seed ${seed}   (property: ${rerun})`;
  return `replay: echo '${JSON.stringify(block)}' > swarm-case.yaml && embedgate swarm --config swarm-case.yaml --seed ${seed}   (property: ${rerun})`;
}

describe('swarm simulation', () => {
  it('holds every invariant over random seeds and drawn fault schedules', () => {
    const config = base({ randomFaults: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const run = runSwarm(config, { seed, trace: 'digest' });
        expect(run.violations, replayOf(seed, { randomFaults: true })).toEqual([]);
      }),
      { numRuns: 300, seed: FC_SEED },
    );
  });

  it('holds every invariant over arbitrary fault schedules', () => {
    const workers = base().workers.map((w) => w.id);
    const at = fc.integer({ min: 0, max: 3_600_000 });
    const fault = fc.oneof(
      fc.record({ type: fc.constant('crash'), agent: fc.constantFrom(...workers, 'coordinator'), at: fc.integer({ min: 0, max: 3_600_000 }).map((m) => `${m}ms`), restartAfter: fc.integer({ min: 1000, max: 400_000 }).map((m) => `${m}ms`) }),
      fc.record({ type: fc.constant('partition'), agents: fc.subarray(workers, { minLength: 1, maxLength: 3 }), at: at.map((m) => `${m}ms`), for: fc.integer({ min: 1000, max: 300_000 }).map((m) => `${m}ms`) }),
      fc.record({ type: fc.constantFrom('hang', 'slow'), agent: fc.constantFrom(...workers), at: at.map((m) => `${m}ms`), for: fc.integer({ min: 1000, max: 900_000 }).map((m) => `${m}ms`) }),
      fc.record({ type: fc.constant('drop'), at: at.map((m) => `${m}ms`), for: fc.integer({ min: 1000, max: 900_000 }).map((m) => `${m}ms`), rate: fc.double({ min: 0, max: 0.6, noNaN: true }) }),
      fc.record({ type: fc.constant('memory-pressure'), agent: fc.constantFrom(...workers), at: at.map((m) => `${m}ms`), for: fc.integer({ min: 1000, max: 900_000 }).map((m) => `${m}ms`), level: fc.double({ min: 0.5, max: 1, noNaN: true }) }),
      fc.record({ type: fc.constant('corruption'), at: at.map((m) => `${m}ms`) }),
      fc.record({ type: fc.constant('byzantine'), agent: fc.constantFrom('memory-analyst', 'streaming-coder'), at: at.map((m) => `${m}ms`) }),
    );
    fc.assert(
      fc.property(fc.array(fault, { maxLength: 6 }), fc.integer({ min: 1, max: 1000 }), (faults, seed) => {
        // Two byzantine workers of weight 1 would reach the quorum 7/3: the config is refused, which is tested below.
        const byzantine = new Set(faults.filter((f) => f.type === 'byzantine').map((f) => (f as { agent: string }).agent));
        fc.pre(byzantine.size <= 1);
        const run = runSwarm(base({ faults }), { seed, trace: 'digest' });
        expect(run.violations, replayOf(seed, { faults })).toEqual([]);
      }),
      { numRuns: 200, seed: FC_SEED },
    );
  });

  it('replays a seed with the same trace, byte for byte', () => {
    const config = base({ randomFaults: true });
    for (const seed of [7, 1984, 424242]) {
      const a = runSwarm(config, { seed, trace: 'keep' });
      const b = runSwarm(config, { seed, trace: 'keep' });
      expect(a.trace.text()).toBe(b.trace.text());
      expect(a.trace.digest()).toBe(runSwarm(config, { seed, trace: 'digest' }).trace.digest());
    }
    expect(runSwarm(config, { seed: 1, trace: 'keep' }).trace.text()).not.toBe(runSwarm(config, { seed: 2, trace: 'keep' }).trace.text());
  });

  it('catches a 10-minute heartbeat timeout: detection and reassignment miss the plan', () => {
    const broken = base({ heartbeat: { timeout: '10m' }, faults: [{ type: 'crash', agent: 'memory-analyst', at: '5m', restartAfter: '15m' }], triggers: { silence: '30m' } });
    const run = runSwarm(broken, { seed: 1 });
    const names = new Set(run.violations.map((v) => v.invariant));
    expect(names).toContain('detection-within-limit');
    expect(names).toContain('reassignment-within-limit');
    const healthy = runSwarm(base({ faults: [{ type: 'crash', agent: 'memory-analyst', at: '5m', restartAfter: '15m' }], triggers: { silence: '30m' } }), { seed: 1 });
    expect(healthy.violations).toEqual([]);
  });

  it('catches consensus switched off with a byzantine worker: a wrong result is committed', () => {
    const faults = [{ type: 'byzantine', agent: 'parallel-optimizer', at: '0s' }];
    const run = runSwarm(base({ consensus: { enabled: false }, faults }), { seed: 1 });
    expect(run.violations.some((v) => v.invariant === 'no-byzantine-commit')).toBe(true);
    const guarded = runSwarm(base({ faults }), { seed: 1 });
    expect(guarded.violations).toEqual([]);
    expect(guarded.record.commits.every((c) => c.correct)).toBe(true);
    expect(guarded.record.rejected.length).toBeGreaterThan(0);
  });

  it('refuses byzantine weight over the tolerance with a clear error', () => {
    const faults = [
      { type: 'byzantine', agent: 'embedding-specialist', at: '0s' },
      { type: 'byzantine', agent: 'validator', at: '0s' },
    ];
    expect(() => base({ faults })).toThrow(SwarmConfigError);
    expect(() => base({ faults })).toThrow(/byzantine weight 3 of 7 .* reaches the consensus quorum 2.33/);
    expect(() => resolveSwarmPlan({ scenarios: [{ name: 'two', faults }] }, '.')).toThrow(/scenarios\[0\]\.faults/);
  });

  it('rolls back on a trigger that holds, and only then, within 5 minutes', () => {
    const over = runSwarm(base({ faults: [{ type: 'memory-pressure', agent: 'validator', at: '5m', for: '7m', level: 0.95 }] }), { seed: 3 });
    expect(over.record.rollback?.trigger).toBe('memory');
    expect(over.record.rollback!.doneAt! - over.record.rollback!.firedAt).toBeLessThan(5 * 60_000);
    const under = runSwarm(base({ faults: [{ type: 'memory-pressure', agent: 'validator', at: '5m', for: '4m', level: 0.95 }] }), { seed: 3 });
    expect(under.record.rollback).toBeUndefined();
    expect(under.outcome).toBe('completed');
    expect([over.violations, under.violations]).toEqual([[], []]);
  });

  it('a coordinator crash hands over to the standby without a rollback', () => {
    const run = runSwarm(base({ faults: [{ type: 'coordinator-crash', at: '15m' }] }), { seed: 5 });
    expect(run.outcome).toBe('completed');
    expect(run.record.takeovers).toHaveLength(1);
    expect(run.record.takeovers[0]!.at - 15 * 60_000).toBeLessThanOrEqual(45_000);
    expect(run.violations).toEqual([]);
  });

  // Cases the sweeps and properties once found (FC_SEED 1..60 × 2000 runs, `embedgate swarm --seeds 20000`).
  describe('regressions', () => {
    it('an attempt a deposed coordinator dispatched after the takeover is not held for the new one (seed 17541)', () => {
      // The old coordinator (epoch 1) reassigned core-migration-6#1.4 to memory-analyst 2.5 s after the
      // standby took over with epoch 2; memory-analyst crashed ten minutes later and the invariant
      // called the void attempt "never moved". The attempt is fenced, so nothing was held.
      const run = runSwarm(base({ randomFaults: true }), { seed: 17541, trace: 'digest' });
      expect(run.violations, replayOf(17541)).toEqual([]);
      const fenced = run.record.attempts.find((a) => a.id === 'core-migration-6#1.4')!;
      expect(fenced.worker).toBe('memory-analyst');
      expect(fenced.outcome).toBe('abandoned');
      expect(run.record.takeovers[0]!.at).toBeLessThan(fenced.dispatchedAt);
    });

    it('attempts of a coordinator deposed before a crash are not held by the crashed worker (seed 549072676)', () => {
      const run = runSwarm(base({ randomFaults: true }), { seed: 549072676, trace: 'digest' });
      expect(run.violations, replayOf(549072676)).toEqual([]);
      expect(run.record.takeovers.map((k) => k.epoch)).toEqual([2]);
      const orphaned = run.record.attempts.filter((a) => a.epoch === 1 && a.worker === 'embedding-specialist' && a.outcome === 'abandoned');
      expect(orphaned.length).toBeGreaterThan(0);
    });

    it('a rollback on a trigger that a heartbeat carried is justified even if the agent crashes soon after (seed 11115)', () => {
      const run = runSwarm(base({ randomFaults: true }), { seed: 11115, trace: 'digest' });
      expect(run.record.rollback).toMatchObject({ trigger: 'error-rate', subject: 'config-manager' });
      expect(run.violations, replayOf(11115)).toEqual([]);
    });

    it('a second corruption of the same entry keeps it corrupted, and the scrub rolls back', () => {
      // Both faults pick the entry "inventory"; the injector's bit flip used to undo itself.
      const faults = [{ type: 'corruption', at: '482987ms' }, { type: 'corruption', at: '512983ms' }];
      const run = runSwarm(base({ faults }), { seed: 2, trace: 'digest' });
      expect(run.record.corruptions.map((c) => c.key)).toEqual(['inventory', 'inventory']);
      expect(run.record.rollback).toMatchObject({ trigger: 'corruption' });
      expect(run.violations, replayOf(2, { faults })).toEqual([]);
    });
  });
});
