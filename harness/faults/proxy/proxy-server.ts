// The fault proxy: an HTTP server on 127.0.0.1 that forwards each request to one upstream and
// applies the toxics drawn for it on the way (harness/faults/proxy/toxics.ts). It is transparent
// when no toxic applies: a failed upstream connection closes the client's connection as the
// upstream's would, with no invented 502. Requests and answers are held in memory whole, each
// bounded (8 MiB and 32 MiB), so HTTP-aware toxics can rewrite them and nothing grows unbounded.
import { Agent, STATUS_CODES, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { REWRITTEN_HEADER } from '../../http-client/answer-check.ts';
import { Prng } from '../../random.ts';
import { errorAnswer, rewriteAnswer, type Answer } from './answer-rewrite.ts';
import { ANSWER_TOXICS, resolveToxics, type ResolvedToxic, type Toxic } from './toxics.ts';

const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

export interface FaultProxy {
  /** http://127.0.0.1:PORT: point the load generator here. */
  readonly url: string;
  /** Replaces the toxics; a bad one throws ToxicError naming it, and the old ones stay. */
  set(toxics: Toxic[]): void;
  clear(): void;
  /** false takes the proxy down as Toxiproxy's `enabled: false` does: open connections close, new ones are reset at once. */
  enabled: boolean;
  /** Connections accepted, requests read, and requests each toxic (by name) acted on. */
  counts(): { connections: number; requests: number; affected: Record<string, number> };
  close(): Promise<void>;
}

interface ConnectionState {
  bytesUp: number;
  bytesDown: number;
  /** Set by a slow_close toxic: the proxy's own close of this connection waits this long. */
  slowCloseMs: number;
}

interface Armed {
  toxic: ResolvedToxic;
  prng: Prng;
}

/**
 * `markRewritten`: put REWRITTEN_HEADER on every answer an HTTP-aware toxic rewrote, so a fault
 * suite's load counts what its checks find there as the fault's evidence, not the target's wrong
 * answers. Off by default: where the proxy plays a broken target (selfcheck's planted
 * regressions), its wrong answers must count as the target's.
 */
export async function startFaultProxy(opts: { upstream: string; seed?: number; markRewritten?: boolean }): Promise<FaultProxy> {
  const upstream = new URL(opts.upstream);
  if (upstream.protocol !== 'http:') throw new Error(`fault proxy: upstream ${opts.upstream} is not an http:// URL`);
  const seed = opts.seed ?? 1;
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const sockets = new Set<Socket>();
  const states = new WeakMap<Socket, ConnectionState>();
  const timers = new Set<NodeJS.Timeout>();
  const counts = { connections: 0, requests: 0, affected: {} as Record<string, number> };
  let armed: Armed[] = [];
  let enabled = true;
  let closed = false;
  const rewritePrng = Prng.stream(seed, 'fault-proxy:rewrite');
  const jitterPrng = Prng.stream(seed, 'fault-proxy:jitter');

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, ms);
    timers.add(timer);
  };
  const wait = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? later(ms, resolve) : resolve()));
  const hit = (t: ResolvedToxic) => {
    counts.affected[t.name] = (counts.affected[t.name] ?? 0) + 1;
  };
  const closeSocket = (socket: Socket, reset = false) => {
    const delay = states.get(socket)?.slowCloseMs ?? 0;
    const act = () => (reset ? socket.resetAndDestroy() : socket.destroy());
    if (delay > 0 && !reset) later(delay, act);
    else act();
  };

  const server = createServer();
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 60_000;
  server.requestTimeout = 0; // a held request is the point of some toxics
  server.on('connection', (socket: Socket) => {
    counts.connections++;
    if (!enabled) {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    states.set(socket, { bytesUp: 0, bytesDown: 0, slowCloseMs: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch(() => req.socket.destroy());
  });

  /** Reads the request whole; false when it is over the limit (answered 413 here). */
  async function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BYTES) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ error: { message: `fault proxy: request over ${MAX_REQUEST_BYTES} bytes` } }));
        return undefined;
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<Answer | undefined> {
    return new Promise((resolve) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
      headers['content-length'] = String(body.length);
      headers.host = upstream.host;
      const up = httpRequest({ host: upstream.hostname, port: upstream.port || 80, method: req.method, path: req.url, headers, agent }, (answer) => {
        const chunks: Buffer[] = [];
        let size = 0;
        answer.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            up.destroy();
            resolve(errorAnswer({ name: 'limit', type: 'http_5xx', stream: 'downstream', toxicity: 1, after: 0, a: { status: 502, retryAfter: -1 } }));
            return;
          }
          chunks.push(c);
        });
        answer.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: answer.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
        answer.on('error', () => resolve(undefined));
      });
      // The client gave up: so does the proxy, as the upstream would have seen.
      res.once('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      up.on('error', () => resolve(undefined));
      up.end(body);
    });
  }

  function rawLength(answer: Answer): { head: Buffer; size: number } {
    const lines = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`];
    for (const [k, v] of Object.entries(answer.headers)) lines.push(`${k}: ${v}`);
    lines.push(`content-length: ${answer.body.length}`);
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    return { head, size: head.length + answer.body.length };
  }

  async function send(res: ServerResponse, socket: Socket, answer: Answer, down: ResolvedToxic[]): Promise<void> {
    const state = states.get(socket)!;
    const { head, size } = rawLength(answer);
    const limit = down.find((t) => t.type === 'limit_data');
    if (limit && state.bytesDown + size > limit.a.bytes!) {
      hit(limit);
      // Toxiproxy's limit_data: the bytes up to the limit go through, then the connection closes.
      const room = Math.max(0, limit.a.bytes! - state.bytesDown);
      state.bytesDown += room;
      socket.write(Buffer.concat([head, answer.body]).subarray(0, room));
      closeSocket(socket);
      return;
    }
    state.bytesDown += size;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length });
    const bandwidth = down.find((t) => t.type === 'bandwidth');
    if (!bandwidth) {
      res.end(answer.body);
      return;
    }
    hit(bandwidth);
    // Chunks every 100 ms at the rate, as Toxiproxy's bandwidth toxic writes them.
    const chunk = Math.max(1, Math.floor((bandwidth.a.rate! * 1024) / 10));
    for (let at = 0; at < answer.body.length; at += chunk) {
      if (socket.destroyed) return;
      res.write(answer.body.subarray(at, at + chunk));
      await wait(100);
    }
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const socket = req.socket;
    const body = await readBody(req, res);
    if (body === undefined) return;
    const n = ++counts.requests;
    // Every toxic draws for every request, in arrival order: the picks depend on the seed and n only.
    const active = armed.filter(({ toxic, prng }) => prng.next() < toxic.toxicity && n > toxic.after).map((a) => a.toxic);
    const of = (type: ResolvedToxic['type']) => active.find((t) => t.type === type);
    const up = active.filter((t) => t.stream === 'upstream' && !ANSWER_TOXICS.has(t.type));
    const down = active.filter((t) => t.stream === 'downstream' && !ANSWER_TOXICS.has(t.type));
    const state = states.get(socket);
    if (!state) {
      socket.destroy();
      return;
    }

    const slowClose = of('slow_close');
    if (slowClose) {
      hit(slowClose);
      state.slowCloseMs = Math.max(state.slowCloseMs, slowClose.a.delay!);
    }
    const drop = of('drop');
    if (drop) {
      hit(drop);
      return closeSocket(socket);
    }
    const stop = of('stop_answering');
    if (stop) {
      hit(stop);
      return; // held: the socket stays open until the client gives up or the proxy closes
    }
    const timeout = of('timeout');
    if (timeout) {
      hit(timeout);
      if (timeout.a.timeout! > 0) later(timeout.a.timeout!, () => closeSocket(socket));
      return;
    }
    const reset = of('reset_peer');
    if (reset) {
      hit(reset);
      if (reset.a.timeout! <= 0) return closeSocket(socket, true);
      later(reset.a.timeout!, () => closeSocket(socket, true));
    }

    for (const t of up) {
      if (t.type === 'latency') {
        hit(t);
        await wait(t.a.latency! + (jitterPrng.next() * 2 - 1) * t.a.jitter!);
      } else if (t.type === 'bandwidth') {
        hit(t);
        await wait((body.length / (t.a.rate! * 1024)) * 1000);
      } else if (t.type === 'limit_data' && state.bytesUp + body.length > t.a.bytes!) {
        hit(t);
        return closeSocket(socket);
      }
    }
    state.bytesUp += body.length;
    if (socket.destroyed) return;

    const fail = of('http_5xx');
    let answer: Answer | undefined;
    if (fail) {
      hit(fail);
      answer = errorAnswer(fail);
    } else {
      answer = await forward(req, body, res);
      if (answer === undefined) return closeSocket(socket);
      const rewrites = active.filter((t) => ANSWER_TOXICS.has(t.type) && t.type !== 'http_5xx');
      if (rewrites.length > 0) {
        const rewritten = rewriteAnswer(answer, rewrites, rewritePrng);
        answer = rewritten.answer;
        for (const name of rewritten.affected) hit(rewrites.find((t) => t.name === name)!);
        // Marked, so embedgate's load counts what its checks find here as the fault's detection
        // evidence rather than a wrong answer of the target; the checks still judge the body blind.
        if (opts.markRewritten && rewritten.affected.length > 0) answer = { ...answer, headers: { ...answer.headers, [REWRITTEN_HEADER]: rewritten.affected.join(', ') } };
      }
    }
    for (const t of down) {
      if (t.type !== 'latency') continue;
      hit(t);
      await wait(t.a.latency! + (jitterPrng.next() * 2 - 1) * t.a.jitter!);
    }
    if (socket.destroyed) return;
    await send(res, socket, answer, down);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    set(toxics: Toxic[]) {
      const resolved = resolveToxics(toxics);
      armed = resolved.map((toxic) => ({ toxic, prng: Prng.stream(seed, `fault-proxy:${toxic.name}`) }));
    },
    clear() {
      armed = [];
    },
    get enabled() {
      return enabled;
    },
    set enabled(value: boolean) {
      enabled = value;
      if (!value) for (const s of sockets) s.resetAndDestroy();
    },
    counts: () => ({ connections: counts.connections, requests: counts.requests, affected: { ...counts.affected } }),
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      agent.destroy();
      await done;
    },
  };
}
