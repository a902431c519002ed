// Rollback: the first agent whose trigger holds fires it. Firing writes a durable rollback record
// to the store and reverts the store's index to the old model at once; the initiator then tells
// every agent it can reach, and the acting coordinator repeats the broadcast when it next reads the
// store. Each agent stops its work, reverts, and marks itself reverted in the record. The rollback
// is finished when every agent that was up has reverted, or when the record's lease (ackTimeout)
// runs out: agents that have not reverted by then are fenced, so they can write nothing more.
import { sendReliably, streamOf, type SimContext } from './context.ts';
import type { RollbackFact, TriggerName } from './record.ts';

export class RollbackProtocol {
  fact?: RollbackFact;
  private waiting = new Set<string>();
  private readonly broadcastBy = new Set<string>();

  constructor(private readonly ctx: SimContext) {}

  get active(): boolean {
    return this.fact !== undefined;
  }

  get finished(): boolean {
    return this.fact?.doneAt !== undefined;
  }

  /** Returns false when the store refuses the record: `epoch` is older than the store's fence. */
  fire(by: string, trigger: TriggerName, subject: string, detail = '', epoch?: number): boolean {
    if (this.fact) return true;
    const { ctx } = this;
    if (epoch !== undefined && epoch < ctx.store.epochFloor) {
      ctx.trace.log(ctx.clock.now, by, 'rollback-refused', `trigger=${trigger} subject=${subject} epoch=${epoch} fenced`);
      return false;
    }
    const now = ctx.clock.now;
    this.fact = { firedAt: now, trigger, subject, by, fenced: [] };
    ctx.record.rollback = this.fact;
    ctx.trace.log(now, by, 'rollback-fired', `trigger=${trigger} subject=${subject}${detail ? ` ${detail}` : ''}`);
    ctx.store.revert();
    for (const w of ctx.workers.values()) if (w.up) this.waiting.add(w.id);
    for (const c of ctx.coordinators.values()) if (c.up) this.waiting.add(c.id);
    ctx.clock.after(ctx.config.rollback.ackTimeoutMs, () => this.finish());
    this.join(by);
    return true;
  }

  /** `agent` learned of the rollback: it reverts itself and tells everyone it can reach. */
  join(agent: string): void {
    if (!this.fact || this.finished || this.broadcastBy.has(agent)) return;
    this.broadcastBy.add(agent);
    const { ctx } = this;
    const done = () => this.finished;
    for (const w of ctx.workers.values()) {
      if (w.id === agent) w.beginRevert();
      else sendReliably(ctx, agent, w.id, () => w.onRollback(), () => done() || w.reverted || !this.isUp(agent));
    }
    for (const c of ctx.coordinators.values()) {
      if (c.id === agent) c.beginRevert();
      else sendReliably(ctx, agent, c.id, () => c.onRollback(), () => done() || c.reverted || !this.isUp(agent));
    }
  }

  private isUp(agent: string): boolean {
    return (this.ctx.workers.get(agent) ?? this.ctx.coordinators.get(agent))?.up ?? false;
  }

  /** Revert time of a coordinator node (workers draw their own, scaled by their speed). */
  stepFor(agent: string): number {
    const { stepMinMs, stepMaxMs } = this.ctx.config.rollback;
    return Math.round(streamOf(this.ctx, `revert:${agent}`).between(stepMinMs, stepMaxMs));
  }

  reverted(agent: string): void {
    if (!this.fact || this.finished) return;
    this.ctx.trace.log(this.ctx.clock.now, agent, 'reverted');
    this.waiting.delete(agent);
    if (this.waiting.size === 0) this.finish();
  }

  private finish(): void {
    const { fact, ctx } = this;
    if (!fact || fact.doneAt !== undefined) return;
    fact.doneAt = ctx.clock.now;
    fact.fenced = [...this.waiting].sort();
    ctx.store.fence(Number.MAX_SAFE_INTEGER);
    ctx.trace.log(ctx.clock.now, fact.by, 'rollback-done', `after=${ctx.clock.now - fact.firedAt}ms fenced=[${fact.fenced.join(',')}]`);
    ctx.finish('rolled-back');
  }
}
