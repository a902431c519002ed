// The MCP sessions of a load suite's virtual users: one each, opened (initialize) once and kept
// from phase to phase until the target closes, so a measured phase times tool calls, not
// handshakes. A stdio server is one process and so one session: every virtual user shares it,
// its calls multiplexed over the pipe by JSON-RPC id.
import type { McpConnection } from './connection.ts';

/** Sessions opened at once while the pool grows (a burst of 100 handshakes is not what is measured). */
const OPEN_AT_ONCE = 8;

export class SessionPool {
  private readonly sessions: McpConnection[] = [];

  constructor(
    private readonly open: () => Promise<McpConnection>,
    /** The one session of a stdio server, shared by every virtual user. */
    readonly shared?: McpConnection,
  ) {}

  /** A session for each of `n` virtual users, opening the missing ones now. */
  async take(n: number): Promise<McpConnection[]> {
    if (this.shared) return Array.from({ length: n }, () => this.shared!);
    while (this.sessions.length < n) {
      const batch = Math.min(OPEN_AT_ONCE, n - this.sessions.length);
      this.sessions.push(...(await Promise.all(Array.from({ length: batch }, () => this.open()))));
    }
    return this.sessions.slice(0, n);
  }

  get size(): number {
    return this.shared ? 1 : this.sessions.length;
  }

  async closeAll(): Promise<void> {
    const all = this.sessions.splice(0);
    await Promise.allSettled(all.map((s) => s.close()));
  }
}
