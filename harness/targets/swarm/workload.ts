// The task DAG as the coordinator sees it: waves of task instances with their costs fixed by the
// seed, dependency lookups, and the sequential baseline (one agent of speed 1 doing every task in
// turn) that the speed-up is measured against.
import type { SwarmConfig, TaskSpec } from './config.ts';
import { Prng } from '../../random.ts';
import { drawDuration, type TaskInstance } from './work.ts';

export class DagError extends Error {}

/** Checks ids are unique, dependencies exist and there is no cycle; returns a topological order. */
export function topologicalOrder(dag: readonly TaskSpec[]): TaskSpec[] {
  const byId = new Map<string, TaskSpec>();
  for (const t of dag) {
    if (byId.has(t.id)) throw new DagError(`task "${t.id}" is defined twice`);
    byId.set(t.id, t);
  }
  for (const t of dag) {
    for (const dep of t.after) if (!byId.has(dep)) throw new DagError(`task "${t.id}" runs after "${dep}", which is not a task of the DAG`);
  }
  const order: TaskSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: TaskSpec, path: string[]) => {
    const s = state.get(t.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new DagError(`the DAG has a cycle: ${[...path, t.id].join(' → ')}`);
    state.set(t.id, 'visiting');
    for (const dep of t.after) visit(byId.get(dep)!, [...path, t.id]);
    state.set(t.id, 'done');
    order.push(t);
  };
  for (const t of dag) visit(t, []);
  return order;
}

export class Workload {
  private readonly waves = new Map<number, TaskInstance[]>();
  private readonly dependentsOf = new Map<string, string[]>();
  readonly order: TaskSpec[];

  constructor(
    private readonly config: Pick<SwarmConfig, 'dag' | 'waves'>,
    private readonly seed: number,
    private readonly costOf?: (task: TaskSpec) => number,
  ) {
    this.order = topologicalOrder(config.dag);
    for (const t of config.dag) for (const dep of t.after) (this.dependentsOf.get(dep) ?? this.dependentsOf.set(dep, []).get(dep)!).push(t.id);
  }

  get waveCount(): number {
    return this.config.waves;
  }

  key(wave: number, id: string): string {
    return this.config.waves > 1 ? `w${wave + 1}/${id}` : id;
  }

  /** The wave's tasks in topological order, with costs drawn from the seed. */
  wave(wave: number): TaskInstance[] {
    let tasks = this.waves.get(wave);
    if (!tasks) {
      tasks = this.order.map((spec) => {
        const key = this.key(wave, spec.id);
        const costMs = this.costOf ? this.costOf(spec) : Math.max(1000, drawDuration(spec.duration, Prng.stream(this.seed, `cost:${key}`)));
        return { key, wave, spec, costMs };
      });
      this.waves.set(wave, tasks);
    }
    return tasks;
  }

  dependents(id: string): readonly string[] {
    return this.dependentsOf.get(id) ?? [];
  }

  sequentialMs(wave: number): number {
    return this.wave(wave).reduce((sum, t) => sum + t.costMs, 0);
  }

  /** Every store key of the first `waves` waves. */
  keys(waves = this.config.waves): string[] {
    return Array.from({ length: waves }, (_, w) => this.wave(w).map((t) => t.key)).flat();
  }
}
