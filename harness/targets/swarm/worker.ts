// A worker agent: heartbeats to both coordinator nodes, runs assigned jobs (task executions and
// verifications) in its slots, sends results until they are acknowledged, reports its health, and
// holds a dead man's switch: with no word from a coordinator for the silence limit, it rolls back.
import type { AgentSpec } from './config.ts';
import { sendReliably, streamOf, type SimContext } from './context.ts';
import type { AgentHealth } from './health.ts';
import type { Prng } from '../../random.ts';
import { pushTo } from './record.ts';
import type { Pending, TaskInstance, TaskResult } from './work.ts';

export interface JobRequest {
  kind: 'execute' | 'verify';
  attemptId: string;
  task: TaskInstance;
  from: string;
  epoch: number;
  priority: boolean;
  /** For verify jobs: the result to judge. */
  result?: TaskResult;
}

interface Job extends JobRequest {
  pending?: Pending<TaskResult> | Pending<boolean>;
}

export class WorkerAgent {
  up = true;
  /** Bumped on crash and on rollback: completions of older jobs are ignored. */
  private incarnation = 0;
  private upSince = 0;
  /** Process incarnation, bumped on restart and sent with heartbeats. */
  private process = 0;
  epoch = 0;
  byzantine = false;
  stale = false;
  slowFactor = 1;
  hungUntil = 0;
  reverted = false;
  private running: Job[] = [];
  private queue: Job[] = [];
  private seen = new Set<string>();
  private ackedUpTo = 0;
  private lastCoordinatorWord = 0;
  private switchGeneration = 0;
  private readonly rng: Prng;

  constructor(
    private readonly ctx: SimContext,
    readonly spec: AgentSpec,
    private readonly health: AgentHealth,
  ) {
    this.rng = streamOf(ctx, `worker:${spec.id}`);
  }

  get id(): string {
    return this.spec.id;
  }

  start(): void {
    const phase = this.rng.int(0, this.ctx.config.heartbeat.intervalMs - 1);
    this.ctx.clock.after(phase, () => this.heartbeat(this.incarnation));
    this.armSwitch();
  }

  private heartbeat(incarnation: number): void {
    if (!this.up || incarnation !== this.incarnation || this.reverted) return;
    const { clock, net } = this.ctx;
    const sentAt = clock.now;
    const report = this.health.quiet ? undefined : this.health.report(this.ackedUpTo, sentAt, this.upSince);
    const { epoch, process } = this;
    for (const node of this.ctx.coordinators.values()) {
      net.send(this.id, node.id, () => node.onHeartbeat(this.id, sentAt, epoch, report, process));
    }
    clock.after(this.ctx.config.heartbeat.intervalMs, () => this.heartbeat(incarnation));
  }

  /** A word from the acting coordinator: heartbeat ack or ping. */
  onCoordinator(from: string, epoch: number, ackedSentAt: number | undefined, reset: boolean): void {
    if (!this.up || epoch < this.epoch) return;
    if (epoch > this.epoch) this.adoptEpoch(epoch);
    if (ackedSentAt !== undefined) this.ackedUpTo = Math.max(this.ackedUpTo, ackedSentAt);
    if (reset) this.dropJobs((job) => job.from === from);
    this.lastCoordinatorWord = this.ctx.clock.now;
    pushTo(this.ctx.record.heardCoordinator, this.id, this.ctx.clock.now);
    this.armSwitch();
  }

  onPing(from: string, epoch: number): void {
    if (!this.up) return;
    const node = this.ctx.coordinators.get(from)!;
    const sentAt = this.ctx.clock.now;
    this.onCoordinator(from, epoch, undefined, false);
    const { process } = this;
    this.ctx.net.send(this.id, from, () => node.onHeartbeat(this.id, sentAt, epoch, undefined, process));
  }

  /** A job from a coordinator; acknowledged on receipt, refused when it comes from a deposed epoch. */
  onJob(request: JobRequest): void {
    if (!this.up || this.reverted) return;
    const node = this.ctx.coordinators.get(request.from)!;
    if (request.epoch < this.epoch) {
      this.ctx.net.send(this.id, request.from, () => node.onStaleEpoch(this.epoch));
      return;
    }
    if (request.epoch > this.epoch) this.adoptEpoch(request.epoch);
    this.ctx.net.send(this.id, request.from, () => node.onJobAccepted(request.attemptId, request.kind, this.id));
    const id = `${request.kind}:${request.attemptId}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (request.priority) this.queue.unshift(request);
    else this.queue.push(request);
    this.pump();
  }

  onCancel(attemptId: string): void {
    this.dropJobs((job) => job.attemptId === attemptId && job.kind === 'execute');
  }

  private adoptEpoch(epoch: number): void {
    this.epoch = epoch;
    // Jobs of a deposed coordinator are redone by the new one; finishing them would only waste slots.
    this.dropJobs((job) => job.epoch < epoch);
  }

  private dropJobs(match: (job: Job) => boolean): void {
    const before = this.running.length;
    this.queue = this.queue.filter((j) => !match(j));
    this.running = this.running.filter((j) => !match(j));
    if (this.running.length !== before) this.pump();
  }

  private pump(): void {
    while (this.up && !this.reverted && this.running.length < this.spec.capacity && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running.push(job);
      this.startJob(job);
    }
  }

  private startJob(job: Job): void {
    const { ctx } = this;
    const factor = job.kind === 'verify' ? ctx.config.consensus.verifyCost : 1;
    const duration = Math.max(1, Math.round((job.task.costMs * factor * this.slowFactor) / this.spec.speed));
    if (job.kind === 'execute') {
      job.pending = ctx.work.execute(job.task, { byzantine: this.byzantine, stale: this.stale });
    } else {
      // A byzantine verifier colludes: it approves exactly the wrong results.
      job.pending = this.byzantine ? { value: !job.result!.correct } : ctx.work.verify(job.task, job.result!);
    }
    const incarnation = this.incarnation;
    ctx.clock.after(duration, () => this.finishJob(job, incarnation), job.pending.promise);
  }

  private finishJob(job: Job, incarnation: number): void {
    if (incarnation !== this.incarnation || !this.running.includes(job)) return;
    const { ctx } = this;
    if (ctx.clock.now < this.hungUntil) {
      ctx.clock.at(this.hungUntil, () => this.finishJob(job, incarnation));
      return;
    }
    this.running = this.running.filter((j) => j !== job);
    const node = ctx.coordinators.get(job.from)!;
    let acked = false;
    const ack = () => {
      acked = true;
    };
    const alive = () => acked || !this.up || incarnation !== this.incarnation;
    if (job.kind === 'execute') {
      const pending = job.pending as Pending<TaskResult>;
      const result = pending.value;
      if (!result) ctx.trace.log(ctx.clock.now, this.id, 'work-error', `${job.attemptId} ${pending.error ?? 'no result'}`);
      else sendReliably(ctx, this.id, job.from, () => node.onResult(job.attemptId, this.id, result, ack), alive);
    } else {
      const approve = (job.pending as Pending<boolean>).value ?? false;
      sendReliably(ctx, this.id, job.from, () => node.onVote(job.attemptId, this.id, approve, ack), alive);
    }
    this.pump();
  }

  crash(): void {
    if (!this.up) return;
    this.up = false;
    this.incarnation++;
    this.running = [];
    this.queue = [];
    this.seen = new Set();
  }

  restart(): void {
    if (this.up) return;
    const now = this.ctx.clock.now;
    this.up = true;
    this.process++;
    this.upSince = now;
    this.ackedUpTo = now;
    this.lastCoordinatorWord = now;
    this.epoch = 0;
    this.heartbeat(this.incarnation);
    this.armSwitch();
  }

  /** Dead man's switch: no coordinator for the silence limit means the migration is rolled back. */
  private armSwitch(): void {
    const generation = ++this.switchGeneration;
    const { silenceMs } = this.ctx.config.triggers;
    this.ctx.clock.at(this.lastCoordinatorWord + silenceMs + 1, () => {
      if (generation !== this.switchGeneration || !this.up || this.reverted) return;
      this.ctx.rollback.fire(this.id, 'silence', this.ctx.config.coordinator);
    });
  }

  onRollback(): void {
    if (this.up) this.beginRevert();
  }

  /** Stops all work, reverts to the old model, and records that in the store's rollback record. */
  beginRevert(): void {
    if (this.reverted) return;
    this.reverted = true;
    this.incarnation++;
    this.running = [];
    this.queue = [];
    const { stepMinMs, stepMaxMs } = this.ctx.config.rollback;
    const step = Math.round(this.rng.between(stepMinMs, stepMaxMs) / this.spec.speed);
    const incarnation = this.incarnation;
    this.ctx.clock.after(step, () => {
      if (!this.up || incarnation !== this.incarnation) return;
      this.ctx.rollback.reverted(this.id);
    });
  }
}
