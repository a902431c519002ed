// A coordinator node. Two exist when a standby is configured: one acting, one standby. Both hear
// every worker's heartbeats; only the acting one acknowledges them, runs the failure detector,
// schedules (scheduler.ts) and watches the rollback triggers. The standby watches the acting node's
// own heartbeats and takes over after the heartbeat timeout with a higher epoch, which fences the
// old one out of the store and out of the workers. A restarted node comes back as the standby.
import type { AgentSpec } from './config.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { SimContext } from './context.ts';
import type { HealthReport } from './health.ts';
import { pushTo, type TriggerName } from './record.ts';
import { Scheduler } from './scheduler.ts';
import type { TaskResult } from './work.ts';

export interface WorkerView {
  id: string;
  spec: AgentSpec;
  /** Send time of the latest message heard from the worker. */
  lastHeard: number;
  suspected: boolean;
  /** Jobs handed to the worker and not settled, by job id, with their cost. */
  outstanding: Map<string, number>;
  breaker: CircuitBreaker;
  generation: number;
  needsReset: boolean;
  /** The worker process incarnation last heard; a new one means it restarted and lost its jobs. */
  incarnation?: number;
}

export class CoordinatorNode {
  up = true;
  acting = false;
  reverted = false;
  epoch = 0;
  private incarnation = 0;
  views = new Map<string, WorkerView>();
  scheduler?: Scheduler;
  private lastPeerWord = 0;
  private peerGeneration = 0;
  private pendingTrigger?: { trigger: TriggerName; subject: string; detail: string };

  constructor(
    private readonly ctx: SimContext,
    readonly id: string,
    private readonly peer: string | undefined,
  ) {
    this.resetViews(0, 0);
  }

  /** Every worker starts as process 0; a coordinator that restarts learns the current ones afresh. */
  private resetViews(now: number, incarnation?: number): void {
    this.views = new Map(
      this.ctx.config.workers.map((spec) => [
        spec.id,
        { id: spec.id, spec, lastHeard: now, suspected: false, outstanding: new Map(), breaker: new CircuitBreaker(this.ctx.config.breaker), generation: 0, needsReset: false, ...(incarnation !== undefined ? { incarnation } : {}) },
      ]),
    );
  }

  private get now(): number {
    return this.ctx.clock.now;
  }

  start(acting: boolean): void {
    if (acting) this.becomeActing(1);
    else this.watchPeer();
  }

  // --- heartbeats and the failure detector -------------------------------------------------

  onHeartbeat(worker: string, sentAt: number, workerEpoch: number, report: HealthReport | undefined, incarnation: number): void {
    if (!this.up) return;
    const view = this.views.get(worker)!;
    const heard = { sent: sentAt, at: this.now };
    pushTo(this.ctx.record.heardFrom, worker, heard);
    pushTo(this.ctx.record.heardBy, `${this.id}|${worker}`, heard);
    if (sentAt > view.lastHeard) view.lastHeard = sentAt;
    if (report) this.checkHealth(worker, report);
    const restarted = view.incarnation !== undefined && incarnation > view.incarnation;
    if (view.incarnation === undefined || incarnation > view.incarnation) view.incarnation = incarnation;
    if (!this.acting) return;
    if (workerEpoch > this.epoch) return this.stepDown();
    if (restarted && !view.suspected) {
      // Restarted before the detector noticed: whatever it was running is gone.
      view.outstanding.clear();
      this.ctx.record.detections.push({ agent: worker, at: this.now, by: this.id, how: 'restart' });
      this.ctx.trace.log(this.now, this.id, 'restarted', worker);
      this.scheduler?.onSuspected(worker);
    }
    if (view.suspected) {
      view.suspected = false;
      view.needsReset = true;
      this.ctx.record.rejoins.push({ agent: worker, at: this.now });
      this.ctx.trace.log(this.now, this.id, 'rejoin', worker);
    }
    const reset = view.needsReset;
    view.needsReset = false;
    const agent = this.ctx.workers.get(worker)!;
    const epoch = this.epoch;
    this.ctx.net.send(this.id, worker, () => agent.onCoordinator(this.id, epoch, sentAt, reset));
    this.armDetector(view);
    if (reset) this.scheduler?.dispatch();
  }

  private armDetector(view: WorkerView): void {
    const generation = ++view.generation;
    const incarnation = this.incarnation;
    const { probeMs, timeoutMs } = this.ctx.config.heartbeat;
    const { silenceMs } = this.ctx.config.triggers;
    const live = () => generation === view.generation && incarnation === this.incarnation && this.acting && this.up;
    this.ctx.clock.at(view.lastHeard + probeMs, () => {
      if (!live()) return;
      const agent = this.ctx.workers.get(view.id)!;
      const epoch = this.epoch;
      this.ctx.net.send(this.id, view.id, () => agent.onPing(this.id, epoch));
      this.ctx.clock.at(view.lastHeard + timeoutMs, () => {
        if (!live()) return;
        if (!view.suspected) this.suspect(view);
        this.ctx.clock.at(view.lastHeard + silenceMs + 1, () => {
          if (live()) this.fire('silence', view.id, `silent-since=${view.lastHeard}`);
        });
      });
    });
  }

  private suspect(view: WorkerView): void {
    view.suspected = true;
    view.outstanding.clear();
    this.ctx.record.detections.push({ agent: view.id, at: this.now, by: this.id, how: 'timeout' });
    this.ctx.trace.log(this.now, this.id, 'suspect', `${view.id} last-heard=${view.lastHeard}`);
    this.scheduler?.onSuspected(view.id);
  }

  // --- rollback triggers ---------------------------------------------------------------------

  private checkHealth(worker: string, report: HealthReport): void {
    const t = this.ctx.config.triggers;
    let hit: { trigger: TriggerName; detail: string } | undefined;
    if (report.errorRate > t.errorRate) hit = { trigger: 'error-rate', detail: `rate=${report.errorRate}` };
    else if (report.memoryHighMs > t.memoryForMs) hit = { trigger: 'memory', detail: `high-for=${report.memoryHighMs}ms` };
    else if (report.latencyHighMs > t.latencyForMs) hit = { trigger: 'latency', detail: `high-for=${report.latencyHighMs}ms` };
    if (!hit) return;
    if (this.acting) this.fire(hit.trigger, worker, hit.detail);
    else this.pendingTrigger ??= { ...hit, subject: worker };
  }

  private fire(trigger: TriggerName, subject: string, detail: string): void {
    // The rollback record is written with this node's epoch: a deposed node is refused and steps down.
    if (!this.ctx.rollback.fire(this.id, trigger, subject, detail, this.epoch)) this.stepDown();
  }

  /** Last wave committed: the end-of-run scrub decides between done and a corruption rollback. */
  finalCheck(): void {
    const bad = this.ctx.store.scrub();
    if (bad.length > 0) this.fire('corruption', '-', `entries=${bad.join(',')} at end of run`);
    else this.ctx.finish('completed');
  }

  private scrub(incarnation: number): void {
    if (incarnation !== this.incarnation || !this.acting || !this.up) return;
    if (this.ctx.rollback.active) return this.ctx.rollback.join(this.id);
    const bad = this.ctx.store.scrub();
    if (bad.length > 0) this.fire('corruption', '-', `entries=${bad.join(',')}`);
    this.ctx.clock.after(this.ctx.config.scrubMs, () => this.scrub(incarnation));
  }

  // --- roles: acting, standby, takeover ------------------------------------------------------

  private becomeActing(epoch: number): void {
    const { ctx } = this;
    this.acting = true;
    this.epoch = epoch;
    ctx.store.fence(epoch);
    // The fence voids every attempt of an older epoch: no worker holds those tasks for this node.
    this.abandonAttempts((e) => e < epoch);
    if (epoch > 1) {
      ctx.record.takeovers.push({ at: this.now, by: this.id, epoch });
      ctx.trace.log(this.now, this.id, 'takeover', `epoch=${epoch}`);
    }
    for (const view of this.views.values()) {
      view.outstanding.clear();
      view.suspected = false;
      view.needsReset = false;
    }
    const incarnation = this.incarnation;
    this.scheduler = new Scheduler(ctx, this);
    for (const view of this.views.values()) this.armDetector(view);
    this.beatToPeer(incarnation);
    ctx.clock.after(ctx.config.scrubMs, () => this.scrub(incarnation));
    if (this.pendingTrigger) this.fire(this.pendingTrigger.trigger, this.pendingTrigger.subject, this.pendingTrigger.detail);
    if (ctx.rollback.active) ctx.rollback.join(this.id);
    this.scheduler.dispatch();
  }

  /** Attempts nobody waits for any more (their scheduler is gone or fenced) end here, in the record. */
  private abandonAttempts(match: (epoch: number) => boolean): void {
    for (const a of this.ctx.record.attempts) {
      if (a.endedAt === undefined && match(a.epoch)) {
        a.endedAt = this.now;
        a.outcome = 'abandoned';
      }
    }
  }

  stepDown(): void {
    if (!this.acting) return;
    this.acting = false;
    this.abandonAttempts((e) => e === this.epoch);
    this.scheduler = undefined;
    this.incarnation++;
    this.ctx.trace.log(this.now, this.id, 'step-down', `epoch=${this.epoch}`);
    this.lastPeerWord = this.now;
    this.watchPeer();
  }

  private beatToPeer(incarnation: number): void {
    if (!this.up || !this.acting || incarnation !== this.incarnation || !this.peer) return;
    const peer = this.ctx.coordinators.get(this.peer)!;
    const epoch = this.epoch;
    this.ctx.net.send(this.id, this.peer, () => peer.onPeerHeartbeat(epoch));
    this.ctx.clock.after(this.ctx.config.heartbeat.intervalMs, () => this.beatToPeer(incarnation));
  }

  /** The standby's probe before it takes over: the acting node answers with a heartbeat. */
  onPeerPing(from: string): void {
    if (!this.up || !this.acting) return;
    const peer = this.ctx.coordinators.get(from)!;
    const epoch = this.epoch;
    this.ctx.net.send(this.id, from, () => peer.onPeerHeartbeat(epoch));
  }

  onPeerHeartbeat(epoch: number): void {
    if (!this.up) return;
    if (this.acting && epoch > this.epoch) this.stepDown();
    if (this.acting) return;
    this.epoch = Math.max(this.epoch, epoch);
    this.lastPeerWord = this.now;
    this.watchPeer();
  }

  /** Standby: take over when the acting node has been silent for the heartbeat timeout. */
  private watchPeer(): void {
    if (!this.peer) return;
    const generation = ++this.peerGeneration;
    const incarnation = this.incarnation;
    const live = () => generation === this.peerGeneration && incarnation === this.incarnation && this.up && !this.acting && !this.reverted;
    const peer = this.ctx.coordinators.get(this.peer)!;
    this.ctx.clock.at(this.lastPeerWord + this.ctx.config.heartbeat.probeMs, () => {
      if (!live()) return;
      this.ctx.net.send(this.id, peer.id, () => peer.onPeerPing(this.id));
      this.ctx.clock.at(this.lastPeerWord + this.ctx.config.heartbeat.timeoutMs, () => {
        if (live()) this.becomeActing(Math.max(this.epoch, this.ctx.store.epochFloor) + 1);
      });
    });
  }

  onStaleEpoch(epoch: number): void {
    if (this.up && this.acting && epoch > this.epoch) this.stepDown();
  }

  // --- messages from workers --------------------------------------------------------------------

  onJobAccepted(attemptId: string, kind: 'execute' | 'verify', worker: string): void {
    if (this.up && this.acting) this.scheduler?.onAccepted(attemptId, kind, worker);
  }

  onResult(attemptId: string, worker: string, result: TaskResult, ack: () => void): void {
    if (!this.up) return;
    this.ctx.net.send(this.id, worker, ack);
    if (this.acting) this.scheduler?.onResult(attemptId, worker, result);
  }

  onVote(attemptId: string, worker: string, approve: boolean, ack: () => void): void {
    if (!this.up) return;
    this.ctx.net.send(this.id, worker, ack);
    if (this.acting) this.scheduler?.onVote(attemptId, worker, approve);
  }

  // --- crash, restart, rollback ----------------------------------------------------------------

  crash(): void {
    if (!this.up) return;
    if (this.acting) this.abandonAttempts((e) => e === this.epoch);
    this.up = false;
    this.acting = false;
    this.scheduler = undefined;
    this.incarnation++;
    this.pendingTrigger = undefined;
  }

  restart(): void {
    if (this.up) return;
    this.up = true;
    this.epoch = 0;
    this.resetViews(this.now);
    this.lastPeerWord = this.now;
    this.watchPeer();
  }

  onRollback(): void {
    if (this.up) this.ctx.rollback.join(this.id);
  }

  beginRevert(): void {
    if (this.reverted) return;
    this.reverted = true;
    const incarnation = this.incarnation;
    this.ctx.clock.after(this.ctx.rollback.stepFor(this.id), () => {
      if (this.up && incarnation === this.incarnation) this.ctx.rollback.reverted(this.id);
    });
  }
}
