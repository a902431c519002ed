// A per-agent circuit breaker kept by the coordinator: after `failures` consecutive failed jobs
// (rejected result, missed deadline) the agent gets no new work for `cooldownMs`; then one probe
// job is allowed (half-open), and its outcome closes the breaker or opens it again.

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private consecutive = 0;
  private openedAt = 0;
  private probing = false;
  state: BreakerState = 'closed';
  opens = 0;

  constructor(private readonly spec: { failures: number; cooldownMs: number }) {}

  /** Whether the agent may take a new job at `now`; a half-open breaker lets exactly one through. */
  allows(now: number): boolean {
    if (this.state === 'open' && now - this.openedAt >= this.spec.cooldownMs) {
      this.state = 'half-open';
      this.probing = false;
    }
    if (this.state === 'closed') return true;
    if (this.state === 'half-open' && !this.probing) return true;
    return false;
  }

  /** Call when a job is handed to the agent. */
  started(): void {
    if (this.state === 'half-open') this.probing = true;
  }

  /** Records a job outcome; returns the new state when it changed. */
  record(ok: boolean, now: number): BreakerState | undefined {
    const before = this.state;
    if (ok) {
      this.consecutive = 0;
      if (this.state !== 'closed') this.state = 'closed';
    } else {
      this.consecutive++;
      if (this.state === 'half-open' || (this.state === 'closed' && this.consecutive >= this.spec.failures)) {
        this.state = 'open';
        this.openedAt = now;
        this.probing = false;
        this.opens++;
      }
    }
    return this.state !== before ? this.state : undefined;
  }
}
