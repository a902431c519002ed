// The measuring loop of a load suite: warm-up, the in-process ceiling rounds, then each phase
// round by round, A (compare) then B (target), so both sides run under the same conditions.
import { inputsOfBodyAt } from '../../http-client/bodies.ts';
import { errorTotal, type PhaseResult } from '../../http-client/phase.ts';
import { mean, median } from '../../metrics/statistics.ts';
import { coresBetween, treeCpuSeconds } from '../../probes/process-cpu.ts';
import { has } from '../../targets/target.ts';
import type { RunnerContext } from '../runner.ts';
import type { LoadParams } from './params.ts';
import { phaseDriver } from './driven-side.ts';
import { recover } from './recover.ts';
import { CLOSED_RANGE, type SideRun } from './side-run.ts';

type Log = (message: string, level?: 'info' | 'warn') => void;

/** The dimension answers must have: the model's own, when the target knows it. */
const dimensionsOf = (run: SideRun): number | undefined => {
  const d = run.side.target.info?.().dimensions;
  return d !== undefined && d > 0 ? d : undefined;
};

/**
 * The capacity open and overload rates are set from: closed-model throughput, else the
 * in-process ceiling, else sequential throughput; undefined before any of them ran.
 */
export function capacityOf(run: Pick<SideRun, 'phases' | 'ceilings'>): number | undefined {
  const closed = run.phases.get('closed');
  if (closed?.length) return mean(closed.map((r) => r.throughputRps));
  if (run.ceilings.length) return median(run.ceilings.map((c) => c.ceilingRps));
  const seq = run.phases.get('sequential');
  return seq?.length ? mean(seq.map((r) => r.throughputRps)) : undefined;
}

/** Runs every phase on every side; results go into each SideRun. */
export async function runPhases(ctx: Pick<RunnerContext, 'plan' | 'emit' | 'signal'>, p: LoadParams, sides: SideRun[], log: Log): Promise<void> {
  const { plan, emit, signal } = ctx;
  const { phases, duration, warmup, rounds, connections, requestTimeout: timeoutMs, saturationCores, inputsPerRequest } = p;
  const ceilingOn = p.ceiling !== false;
  // Derived defaults: the ceiling and the overload last as long as a phase unless told otherwise.
  const ceilingMs = typeof p.ceiling === 'object' ? (p.ceiling.duration ?? duration) : duration;
  const overloadMs = p.overload.duration ?? duration;
  const recoveryLimit = p.overload.recoveryLimit;
  const steps = 1 + (ceilingOn ? rounds : 0) + phases.length * rounds;
  let step = 0;
  const progress = (phase: string) => emit({ type: 'progress', suite: plan.name, phase, done: ++step, total: steps });
  const record = (run: SideRun, r: PhaseResult) => {
    if (r.name !== 'overload') run.answeredInMeasuredPhases += r.ok;
    const list = run.phases.get(r.name) ?? [];
    list.push(r);
    run.phases.set(r.name, list);
    const lat = r.corrected ?? r.latency;
    log(
      `${run.side.label} ${r.name}: ${r.throughputRps.toFixed(1)} ok/s (offered ${r.offeredRps.toFixed(1)}/s, ${r.connections} conn${r.rate ? `, rate ${r.rate.toFixed(1)}/s` : ''}), ` +
        `p50 ${lat.percentileMs(50).toFixed(1)} ms p95 ${lat.percentileMs(95).toFixed(1)} ms p99 ${lat.percentileMs(99).toFixed(1)} ms, ` +
        `errors ${errorTotal(r.errors)}${r.rejected ? ` (503: ${r.rejected})` : ''}, generator ${r.generator.cpuCores.toFixed(2)} cores${r.generator.saturated ? ' SATURATED' : ''}` +
        (r.targetCpu ? `, target ${Object.entries(r.targetCpu).map(([who, c]) => `${who} ${c.toFixed(2)}`).join(' + ')} cores` : ''),
      r.generator.saturated ? 'warn' : 'info',
    );
  };
  /** `from`: a fixed first body (closed rounds); otherwise the phase continues where the last one stopped. */
  const phase = async (run: SideRun, name: string, conns: number, durationMs: number, rate?: number, from?: number) => {
    const root = run.side.rootPid;
    const cpuBefore = root === undefined ? undefined : treeCpuSeconds(root);
    const cpuStarted = performance.now();
    const result = await phaseDriver(run.side.target, p.mcp)({
      name,
      url: run.side.url,
      bodies: run.bodies.bodies,
      startIndex: from ?? run.next,
      connections: conns,
      durationMs,
      ...(rate !== undefined ? { rate } : {}),
      timeoutMs,
      signal,
      saturationCores,
      check: {
        share: p.answers.share,
        inputsOf: (i) => inputsOfBodyAt(run.bodies, i),
        ...(dimensionsOf(run) ? { dimensions: dimensionsOf(run) } : {}),
        ...(p.answers.normalised !== undefined ? { normalised: p.answers.normalised } : {}),
      },
    });
    if (from === undefined) run.next = result.nextIndex;
    if (root !== undefined && cpuBefore) {
      const byPid = coresBetween(cpuBefore, treeCpuSeconds(root), (performance.now() - cpuStarted) / 1000);
      result.targetCpu = Object.fromEntries(Object.entries(byPid).map(([pid, cores]) => [Number(pid) === root ? 'server' : run.side.serve ? 'worker' : pid, cores]));
    }
    return result;
  };

  for (const run of sides) await phase(run, 'warmup', Math.min(connections, 16), warmup);
  progress('warm-up');

  if (ceilingOn) {
    for (let round = 0; round < rounds && !signal.aborted; round++) {
      for (const run of sides) {
        const target = run.side.target;
        if (!has(target, 'measureCeiling')) continue;
        const c = await target.measureCeiling(run.texts, { durationMs: ceilingMs, signal, searchFrom: run.next * inputsPerRequest, confirmFrom: round * CLOSED_RANGE * inputsPerRequest, confirmMs: duration });
        run.ceilings.push(c);
        log(`${run.side.label} in-process ceiling, ${c.engine}: sequential ${c.sequentialRps.toFixed(1)}/s, ceiling ${c.ceilingRps.toFixed(1)}/s (best: ${c.concurrency} call(s) in flight × ${c.batch} text(s), ${c.selectedRps.toFixed(1)}/s when chosen, measured again)`);
      }
      progress(`ceiling round ${round + 1}`);
    }
  }


  for (const name of phases) {
    for (let round = 0; round < rounds && !signal.aborted; round++) {
      for (const run of sides) {
        if (signal.aborted) break;
        // One connection cannot be split: with --shard only shard 0 runs it, the others wait as long so later phases line up.
        if (name === 'sequential' && (plan.shard?.index ?? 0) > 0) await new Promise<void>((r) => setTimeout(r, duration));
        else if (name === 'sequential') record(run, await phase(run, name, 1, duration));
        else if (name === 'closed') record(run, await phase(run, name, connections, duration, undefined, round * CLOSED_RANGE));
        else if (name === 'open') {
          const capacity = capacityOf(run);
          const rate = p.open.rate ?? (capacity !== undefined ? Math.max(1, p.open.share * capacity) : undefined);
          if (rate === undefined) throw new Error(`load suite ${plan.name}: the open phase needs open.rate, or a sequential or closed phase before it to measure capacity`);
          record(run, await phase(run, name, p.open.connections, duration, rate));
        } else {
          const capacity = capacityOf(run);
          if (capacity === undefined) throw new Error(`load suite ${plan.name}: overload needs a closed or sequential phase (or the ceiling) before it to measure capacity`);
          run.capacity = capacity;
          const rate = p.overload.factor * capacity;
          record(run, await phase(run, name, p.overload.connections, overloadMs, rate));
          const seq = run.phases.get('sequential');
          const window = () => phase(run, 'recovery', 1, 1000);
          run.recoveries.push(
            await recover(window, {
              ...(seq?.length ? { sequentialP50Ms: median(seq.map((r) => r.latency.percentileMs(50))) } : {}),
              limitMs: recoveryLimit,
              signal,
              alive: () => !run.side.serve || run.side.serve.alive,
            }),
          );
          const r = run.recoveries.at(-1)!;
          log(`${run.side.label} recovery: ${r.recovered ? `${(r.ms / 1000).toFixed(2)} s` : `not within ${(recoveryLimit / 1000).toFixed(0)} s`}`, r.recovered ? 'info' : 'warn');
        }
      }
      progress(`${name} round ${round + 1}`);
    }
  }
}
