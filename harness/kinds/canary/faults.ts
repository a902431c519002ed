// The faults that break the candidate on purpose: each starts `after` into the step it names and
// sets its toxics in the fault proxy in front of the candidate (its traffic and its /health), where
// they stay until the suite ends. A fault whose step the canary never reached is not injected, and
// the decision log says so.
import type { FaultProxy, Toxic } from '../../faults/proxy/index.ts';
import type { CanaryFault } from './params.ts';

export interface FaultNote {
  name: string;
  step: number;
  toxics: Toxic[];
  /** Suite clock; undefined while not injected. */
  startMs?: number;
  notInjected?: string;
}

export class FaultSchedule {
  readonly notes: FaultNote[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly active: Toxic[] = [];

  constructor(
    private readonly faults: readonly CanaryFault[],
    private readonly proxy: FaultProxy,
    private readonly clock: () => number,
    private readonly log: (m: string) => void,
  ) {
    this.notes = faults.map((f) => ({ name: f.name, step: f.step, toxics: f.toxics as Toxic[] }));
  }

  /** A step at `weight` % started now: arm the faults that belong to it. */
  stepStarted(weight: number): void {
    this.faults.forEach((f, i) => {
      const note = this.notes[i]!;
      if (f.step !== weight || note.startMs !== undefined) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.active.push(...note.toxics);
        this.proxy.set([...this.active]);
        note.startMs = this.clock();
        this.log(`fault ${note.name}: ${note.toxics.map((t) => t.type).join(', ')} set in the proxy in front of the candidate at ${(note.startMs / 1000).toFixed(2)} s`);
      }, f.after);
      this.timers.add(timer);
    });
  }

  /** Start of the latest fault injected by `ms`. */
  latestStartBy(ms: number): number | undefined {
    const starts = this.notes.map((n) => n.startMs).filter((s): s is number => s !== undefined && s <= ms);
    return starts.length ? Math.max(...starts) : undefined;
  }

  stop(why: string): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const n of this.notes) if (n.startMs === undefined) n.notInjected ??= why;
  }
}
