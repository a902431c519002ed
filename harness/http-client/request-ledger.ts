// Counts every request a load phase sends, at the socket, so that
//   sent = answered + timeout + reset + connection + lost + unanswered
// holds exactly. Autocannon (8.0.0, lib/httpClient.js) cannot tell us this itself:
// - a connection the server closes without answering ('end') makes it reconnect and send the next
//   request; the unanswered one is neither an error nor a response (it stays in its pipelining
//   queue, so the next answer on that client is timed from the lost request's start);
// - at the end of a run it destroys every client at once, and the requests in flight vanish;
// - it counts a socket error once per error, whether a request was waiting on that socket or not.
// So each autocannon client is wrapped (per instance, from `setupClient`): the write of each
// request, each parsed answer, each socket's error and close, and the end of the run. At the end
// the clients send nothing more and get a grace period for the answers still on their way.
import type { Socket } from 'node:net';
import { classifyError } from './error-kind.ts';

export interface Entry {
  bodyIndex: number;
  startedAt: number;
  /** Written after the server announced `Connection: close`: never delivered, not counted as sent. */
  afterClose?: boolean;
}

export interface Answer {
  bodyIndex: number | undefined;
  status: number;
  body: string;
  headers: Record<string, string | string[]>;
  latencyMs: number;
  /** Arrived in the grace period after the phase's end. */
  late: boolean;
}

export interface LedgerCounts {
  sent: number;
  answered: number;
  late: number;
  timeout: number;
  reset: number;
  connection: number;
  lost: number;
  unanswered: number;
  /** Requests written to a socket after the server said it would close it (not in `sent`). */
  withdrawn: number;
}

/** The parts of autocannon's Client that are wrapped; they are not in its public types. */
interface AutocannonClient {
  conn: Socket;
  parser?: { type?: string; initialize?(type: string): void };
  pipelinedRequests?: { clear?(): void };
  destroyed: boolean;
  _connect(): void;
  _doRequest(...args: unknown[]): void;
  _destroyConnection(): void;
  destroy(): void;
  getRequestBuffer(): Buffer;
  emit(event: string, ...args: unknown[]): boolean;
}

type Outcome = 'timeout' | 'reset' | 'connection' | 'lost' | 'unanswered';

export class RequestLedger {
  readonly counts: LedgerCounts = { sent: 0, answered: 0, late: 0, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0, withdrawn: 0 };
  private readonly pending = new Map<Socket, Entry[]>();
  private readonly closing = new WeakSet<Socket>();
  private readonly drains: Promise<void>[] = [];
  /** Per socket: tells its client that something settled (a draining client may be done). */
  private readonly onSettled = new WeakMap<Socket, () => void>();
  private readonly finishers = new Set<() => void>();
  private lastBody: { body: string; headers: Record<string, string | string[]> } | undefined;

  /**
   * `bodyIndex()`: the body the client is about to write (the last one `setupRequest` built).
   * `onAnswer`: every answer, in the phase or in its grace period.
   */
  constructor(
    private readonly bodyIndex: () => number,
    private readonly onAnswer: (a: Answer) => void,
    private graceMs: number,
  ) {}

  /** No grace period (the phase was aborted): clients that are draining close now. */
  hurry(): void {
    this.graceMs = 0;
    for (const finish of [...this.finishers]) finish();
  }

  /** From `requests[].onResponse`, which autocannon calls just before the client's 'response' event. */
  noteBody(body: string, headers: Record<string, string | string[]> | undefined): void {
    this.lastBody = { body, headers: headers ?? {} };
  }

  /** From `setupClient`: wraps one autocannon client, before it connects. */
  attach(raw: unknown): void {
    const client = raw as AutocannonClient;
    const ledger = this;
    let draining = false;
    let ending = false;
    let finished: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;

    const connect = client._connect;
    client._connect = function (this: AutocannonClient) {
      // autocannon reconnects after the server ends a connection with the same parser: an answer
      // cut off mid-body (a proxy's limit_data, a crash) would swallow the next connection's answer
      // into its body, a wrong answer the target never sent. The cut request is counted lost below.
      if (this.parser?.type) this.parser.initialize?.(this.parser.type);
      this.pipelinedRequests?.clear?.();
      connect.call(this);
      const socket = this.conn;
      socket.on('error', (err) => ledger.settle(socket, classifyError(err)));
      socket.on('close', () => ledger.settle(socket, 'lost'));
      // Deferred: autocannon's timeout handler re-arms its timer after destroying the connection,
      // so a client destroyed from inside it would keep reconnecting.
      ledger.onSettled.set(socket, () => {
        if (draining && !ledger.pending.get(client.conn)?.length) setImmediate(finish);
      });
    };

    const requestBuffer = client.getRequestBuffer;
    client.getRequestBuffer = function (this: AutocannonClient) {
      const buffer = requestBuffer.call(this);
      const entry: Entry = { bodyIndex: ledger.bodyIndex(), startedAt: performance.now() };
      if (ledger.closing.has(this.conn)) entry.afterClose = true;
      else ledger.counts.sent++;
      const list = ledger.pending.get(this.conn);
      if (list) list.push(entry);
      else ledger.pending.set(this.conn, [entry]);
      return buffer;
    };

    const doRequest = client._doRequest;
    client._doRequest = function (this: AutocannonClient, ...args: unknown[]) {
      if (!draining) doRequest.apply(this, args);
    };

    const emit = client.emit;
    client.emit = function (this: AutocannonClient, event: string, ...args: unknown[]) {
      if (event === 'response') {
        const entry = ledger.pending.get(this.conn)?.shift();
        const got = ledger.lastBody;
        ledger.lastBody = undefined;
        const headers = got?.headers ?? {};
        if (/\bclose\b/i.test(String(headers.connection ?? headers.Connection ?? ''))) ledger.closing.add(this.conn);
        ledger.counts.answered++;
        if (draining) ledger.counts.late++;
        ledger.onAnswer({
          bodyIndex: entry?.bodyIndex,
          status: Number(args[0]),
          body: got?.body ?? '',
          headers,
          latencyMs: entry ? performance.now() - entry.startedAt : Number(args[2]),
          late: draining,
        });
        if (draining) {
          // The run is over: its counters and histograms are gone; only the ledger hears this.
          if (!ledger.pending.get(this.conn)?.length) setImmediate(finish);
          return true;
        }
      }
      return emit.call(this, event, ...args);
    };

    // Called by autocannon's timeout handler and by destroy(); no reconnectRate is set.
    const destroyConnection = client._destroyConnection;
    client._destroyConnection = function (this: AutocannonClient) {
      ledger.settle(this.conn, ending ? 'unanswered' : 'timeout');
      destroyConnection.call(this);
    };

    const destroy = client.destroy;
    const finish = () => {
      if (ending) return;
      ending = true;
      ledger.finishers.delete(finish);
      if (timer) clearTimeout(timer);
      destroy.call(client);
      finished();
    };
    client.destroy = function () {
      if (draining) return;
      draining = true;
      ledger.drains.push(new Promise<void>((resolve) => (finished = resolve)));
      ledger.finishers.add(finish);
      if (!ledger.pending.get(client.conn)?.length || ledger.graceMs <= 0) finish();
      else timer = setTimeout(finish, ledger.graceMs);
    };
  }

  /** Resolves when every client has had its answers or its grace period, and is closed. */
  async settled(): Promise<LedgerCounts> {
    await Promise.all(this.drains);
    // A socket the server closed may not have reported 'close' yet; nothing can arrive on it.
    for (const socket of [...this.pending.keys()]) this.settle(socket, 'lost');
    return this.counts;
  }

  private settle(socket: Socket, outcome: Outcome): void {
    const list = this.pending.get(socket);
    this.pending.delete(socket);
    if (!list) return;
    for (const entry of list) {
      if (entry.afterClose) this.counts.withdrawn++;
      else this.counts[outcome]++;
    }
    this.onSettled.get(socket)?.();
  }
}
