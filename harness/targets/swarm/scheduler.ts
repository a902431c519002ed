// The acting coordinator's scheduling: task states of the current wave, dispatch to workers,
// attempt deadlines, weighted verification of results, and commits. A new Scheduler is built from
// the store on every takeover, so nothing here survives a coordinator crash except what the store
// holds. Reassigned tasks go first and may be queued on a full worker: a failed agent's work
// must move within 60 s even when every slot is busy.
import { quorumWeight } from './config.ts';
import { Tally } from './consensus.ts';
import { sendReliably, workerSpec, type SimContext } from './context.ts';
import type { AttemptFact } from './record.ts';
import type { TaskInstance, TaskResult } from './work.ts';
import type { JobRequest } from './worker.ts';
import type { CoordinatorNode, WorkerView } from './coordinator.ts';

interface TaskState {
  inst: TaskInstance;
  status: 'blocked' | 'ready' | 'running' | 'committed';
  waitingDeps: number;
  excluded: Set<string>;
  priority: boolean;
  attempts: number;
}

interface Attempt {
  fact: AttemptFact;
  task: TaskState;
  accepted: boolean;
  result?: TaskResult;
  tally?: Tally;
  /** Verifiers asked and not yet heard from (or given up on). */
  pending: Set<string>;
  asked: Set<string>;
  resolved: boolean;
}

export class Scheduler {
  private readonly tasks = new Map<string, TaskState>();
  private ready: string[] = [];
  private readonly attempts = new Map<string, Attempt>();
  private wave = 0;
  private readonly quorum: number;

  constructor(
    private readonly ctx: SimContext,
    private readonly node: CoordinatorNode,
  ) {
    this.quorum = quorumWeight(ctx.config);
    const { workload, store } = ctx;
    while (this.wave < workload.waveCount - 1 && workload.wave(this.wave).every((t) => store.has(t.key))) this.wave++;
    this.loadWave();
  }

  /** False once this scheduler's node stepped down, crashed or built a newer one: its timers go quiet. */
  private get live(): boolean {
    return this.node.acting && this.node.scheduler === this;
  }

  private get now(): number {
    return this.ctx.clock.now;
  }

  private loadWave(): void {
    const { workload, store, record } = this.ctx;
    this.tasks.clear();
    this.ready = [];
    for (const inst of workload.wave(this.wave)) {
      const done = store.has(inst.key);
      const waitingDeps = inst.spec.after.filter((dep) => !store.has(workload.key(this.wave, dep))).length;
      const status = done ? 'committed' : waitingDeps === 0 ? 'ready' : 'blocked';
      this.tasks.set(inst.key, { inst, status, waitingDeps, excluded: new Set(), priority: false, attempts: 0 });
      if (status === 'ready') this.ready.push(inst.key);
    }
    if (!record.waves.some((w) => w.wave === this.wave)) {
      record.waves.push({ wave: this.wave, startedAt: this.now, sequentialMs: workload.sequentialMs(this.wave) });
    }
    if ([...this.tasks.values()].every((t) => t.status === 'committed')) this.waveDone();
  }

  dispatch(): void {
    if (this.ctx.rollback.active || !this.live) return;
    for (const key of [...this.ready]) {
      const task = this.tasks.get(key)!;
      const worker = this.pick(task);
      if (!worker) continue;
      this.ready.splice(this.ready.indexOf(key), 1);
      this.assign(task, worker);
    }
  }

  private eligible(exclude: ReadonlySet<string>): WorkerView[] {
    return [...this.node.views.values()].filter((v) => !v.suspected && !exclude.has(v.id) && v.breaker.allows(this.now));
  }

  private pick(task: TaskState): WorkerView | undefined {
    let candidates = this.eligible(task.excluded);
    if (candidates.length === 0 && task.excluded.size > 0) {
      task.excluded.clear();
      candidates = this.eligible(task.excluded);
    }
    const load = (v: WorkerView) => v.outstanding.size / v.spec.capacity;
    const free = candidates.filter((v) => v.outstanding.size < v.spec.capacity);
    const pool = free.length > 0 ? free : task.priority ? candidates : [];
    const role = task.inst.spec.role;
    return pool.sort(
      (a, b) => Number(b.id === role) - Number(a.id === role) || load(a) - load(b) || b.spec.speed - a.spec.speed || (a.id < b.id ? -1 : 1),
    )[0];
  }

  private assign(task: TaskState, view: WorkerView): void {
    const { ctx, node } = this;
    task.status = 'running';
    const n = ++task.attempts;
    const fact: AttemptFact = { id: `${task.inst.key}#${node.epoch}.${n}`, key: task.inst.key, worker: view.id, epoch: node.epoch, dispatchedAt: this.now, reassigned: task.priority };
    ctx.record.attempts.push(fact);
    const attempt: Attempt = { fact, task, accepted: false, pending: new Set(), asked: new Set(), resolved: false };
    this.attempts.set(fact.id, attempt);
    const queued = [...view.outstanding.values()].reduce((a, b) => a + b, 0);
    view.outstanding.set(`x:${fact.id}`, task.inst.costMs);
    view.breaker.started();
    ctx.trace.log(this.now, node.id, task.priority ? 'reassign' : 'assign', `${fact.id} → ${view.id}`);
    const request: JobRequest = { kind: 'execute', attemptId: fact.id, task: task.inst, from: node.id, epoch: node.epoch, priority: task.priority };
    const worker = ctx.workers.get(view.id)!;
    sendReliably(ctx, node.id, view.id, () => worker.onJob(request), () => attempt.accepted || attempt.resolved || !this.live);
    const deadline = (ctx.config.taskDeadlineFactor * (task.inst.costMs + queued)) / view.spec.speed + ctx.config.heartbeat.intervalMs;
    ctx.clock.after(deadline, () => {
      if (attempt.resolved || attempt.result || !this.live) return;
      this.failPrimary(attempt, 'deadline');
      ctx.net.send(node.id, view.id, () => worker.onCancel(fact.id));
    });
  }

  onAccepted(attemptId: string, kind: 'execute' | 'verify', worker: string): void {
    const attempt = this.attempts.get(attemptId);
    if (!attempt) return;
    if (kind === 'execute') attempt.accepted = true;
    else attempt.asked.add(`${worker}:accepted`);
  }

  onResult(attemptId: string, worker: string, result: TaskResult): void {
    const attempt = this.attempts.get(attemptId);
    if (!attempt || attempt.resolved || attempt.result || attempt.fact.worker !== worker) return;
    this.node.views.get(worker)?.outstanding.delete(`x:${attemptId}`);
    attempt.result = result;
    attempt.fact.resultAt = this.now;
    if (result.model !== this.ctx.work.expectedModel) return this.failPrimary(attempt, 'wrong-model');
    if (!this.ctx.config.consensus.enabled) return this.commit(attempt);
    attempt.tally = new Tally(this.quorum);
    attempt.tally.add({ agent: worker, weight: workerSpec(this.ctx, worker).weight, approve: true });
    this.continueVerification(attempt);
  }

  onVote(attemptId: string, verifier: string, approve: boolean): void {
    const attempt = this.attempts.get(attemptId);
    if (!attempt || attempt.resolved || !attempt.pending.has(verifier)) return;
    attempt.pending.delete(verifier);
    this.node.views.get(verifier)?.outstanding.delete(`v:${attemptId}`);
    attempt.tally!.add({ agent: verifier, weight: workerSpec(this.ctx, verifier).weight, approve });
    this.continueVerification(attempt);
  }

  private continueVerification(attempt: Attempt): void {
    const tally = attempt.tally!;
    if (tally.approved) return this.commit(attempt);
    const weight = (id: string) => workerSpec(this.ctx, id).weight;
    const pendingWeight = [...attempt.pending].reduce((s, id) => s + weight(id), 0);
    const fresh = this.eligible(new Set([attempt.fact.worker, ...attempt.asked]))
      .sort((a, b) => b.spec.weight - a.spec.weight || a.outstanding.size - b.outstanding.size || (a.id < b.id ? -1 : 1));
    const possible = tally.approveWeight + pendingWeight + fresh.reduce((s, v) => s + v.spec.weight, 0);
    if (possible < this.quorum - 1e-9) {
      if (attempt.pending.size === 0) this.reject(attempt);
      return;
    }
    let covered = tally.approveWeight + pendingWeight;
    for (const view of fresh) {
      if (covered >= this.quorum - 1e-9) break;
      this.askVerifier(attempt, view);
      covered += view.spec.weight;
    }
  }

  private askVerifier(attempt: Attempt, view: WorkerView): void {
    const { ctx, node } = this;
    const { fact } = attempt;
    attempt.asked.add(view.id);
    attempt.pending.add(view.id);
    const cost = attempt.task.inst.costMs * ctx.config.consensus.verifyCost;
    const queued = [...view.outstanding.values()].reduce((a, b) => a + b, 0);
    view.outstanding.set(`v:${fact.id}`, cost);
    view.breaker.started();
    const request: JobRequest = { kind: 'verify', attemptId: fact.id, task: attempt.task.inst, from: node.id, epoch: node.epoch, priority: true, result: attempt.result! };
    const worker = ctx.workers.get(view.id)!;
    sendReliably(ctx, node.id, view.id, () => worker.onJob(request), () => attempt.asked.has(`${view.id}:accepted`) || attempt.resolved || !this.live);
    ctx.clock.after((ctx.config.taskDeadlineFactor * (cost + queued)) / view.spec.speed + ctx.config.heartbeat.intervalMs, () => {
      if (attempt.resolved || !attempt.pending.has(view.id) || !this.live) return;
      this.giveUpOnVerifier(attempt, view.id, 'deadline');
    });
  }

  /** A verifier that missed its deadline or was suspected: its vote is no longer awaited. */
  private giveUpOnVerifier(attempt: Attempt, verifier: string, why: string): void {
    attempt.pending.delete(verifier);
    const view = this.node.views.get(verifier);
    view?.outstanding.delete(`v:${attempt.fact.id}`);
    if (why === 'deadline') this.breakerRecord(verifier, false);
    this.continueVerification(attempt);
  }

  private resolve(attempt: Attempt, outcome: NonNullable<AttemptFact['outcome']>): void {
    attempt.resolved = true;
    attempt.fact.endedAt = this.now;
    attempt.fact.outcome = outcome;
    this.node.views.get(attempt.fact.worker)?.outstanding.delete(`x:${attempt.fact.id}`);
    for (const v of attempt.pending) this.node.views.get(v)?.outstanding.delete(`v:${attempt.fact.id}`);
    attempt.pending.clear();
  }

  private breakerRecord(agent: string, ok: boolean): void {
    const view = this.node.views.get(agent);
    if (!view) return;
    const changed = view.breaker.record(ok, this.now);
    if (changed) {
      this.ctx.trace.log(this.now, this.node.id, `breaker-${changed}`, agent);
      if (changed === 'open') this.ctx.record.breakerOpens.push({ agent, at: this.now });
    }
  }

  /** The primary failed its attempt: take the task back and give it to someone else first. */
  private failPrimary(attempt: Attempt, why: 'deadline' | 'wrong-model' | 'rejected'): void {
    this.resolve(attempt, why);
    this.breakerRecord(attempt.fact.worker, false);
    this.ctx.record.rejected.push({ key: attempt.fact.key, agent: attempt.fact.worker, at: this.now, why });
    this.ctx.trace.log(this.now, this.node.id, why === 'deadline' ? 'deadline' : 'reject', `${attempt.fact.id} ${attempt.fact.worker} ${why}`);
    this.requeue(attempt.task, attempt.fact.worker);
  }

  private reject(attempt: Attempt): void {
    for (const v of attempt.tally!.votes) if (v.agent !== attempt.fact.worker) this.breakerRecord(v.agent, !v.approve);
    this.failPrimary(attempt, 'rejected');
  }

  private requeue(task: TaskState, exclude?: string): void {
    task.status = 'ready';
    task.priority = true;
    if (exclude) task.excluded.add(exclude);
    this.ready.unshift(task.inst.key);
    this.dispatch();
  }

  private commit(attempt: Attempt): void {
    const { ctx, node } = this;
    // The store holds a rollback record: nothing more is committed; this node joins the rollback.
    if (ctx.rollback.active) return ctx.rollback.join(node.id);
    const { fact, result } = attempt;
    const outcome = ctx.store.commit({
      key: fact.key, epoch: node.epoch, model: result!.model, payload: result!.payload, committedBy: fact.worker, committedAt: this.now,
    });
    if (outcome === 'fenced') {
      ctx.trace.log(this.now, node.id, 'fenced', fact.id);
      node.stepDown();
      return;
    }
    this.resolve(attempt, 'committed');
    ctx.record.commits.push({ key: fact.key, at: this.now, epoch: node.epoch, primary: fact.worker, correct: result!.correct, model: result!.model });
    ctx.trace.log(this.now, node.id, 'commit', `${fact.id} by=${fact.worker}${attempt.tally ? ` votes=${attempt.tally.votes.map((v) => `${v.agent}${v.approve ? '+' : '-'}`).join(',')}` : ''}${outcome === 'duplicate' ? ' DUPLICATE' : ''}`);
    this.breakerRecord(fact.worker, true);
    for (const v of attempt.tally?.votes ?? []) if (v.agent !== fact.worker) this.breakerRecord(v.agent, v.approve);
    const task = attempt.task;
    task.status = 'committed';
    for (const dep of ctx.workload.dependents(task.inst.spec.id)) {
      const next = this.tasks.get(ctx.workload.key(this.wave, dep))!;
      if (--next.waitingDeps === 0 && next.status === 'blocked') {
        next.status = 'ready';
        this.ready.push(next.inst.key);
      }
    }
    if ([...this.tasks.values()].every((t) => t.status === 'committed')) this.waveDone();
    else this.dispatch();
  }

  private waveDone(): void {
    const { ctx } = this;
    const fact = ctx.record.waves.find((w) => w.wave === this.wave);
    if (fact && fact.committedAt === undefined) fact.committedAt = this.now;
    ctx.trace.log(this.now, this.node.id, 'wave-committed', String(this.wave + 1));
    if (this.wave + 1 < ctx.workload.waveCount) {
      this.wave++;
      this.loadWave();
      this.dispatch();
    } else {
      this.node.finalCheck();
    }
  }

  /** The holder of these attempts is suspected: every task it was executing moves at once. */
  onSuspected(worker: string): void {
    for (const attempt of [...this.attempts.values()]) {
      if (attempt.resolved) continue;
      if (attempt.fact.worker === worker && !attempt.result) {
        this.resolve(attempt, 'holder-suspected');
        this.requeue(attempt.task, worker);
      } else if (attempt.pending.has(worker)) {
        this.giveUpOnVerifier(attempt, worker, 'suspected');
      }
    }
    this.dispatch();
  }
}
