// A small OpenAI-compatible embeddings server that misbehaves on purpose, for tests of the load
// and memory suites: each request waits `delayMs` in one of `lanes` lanes (a slow model with few
// contexts; `delayGrowthMsPerS`, --delay-growth, adds to it for every second the server has run),
// and may retain `leakKb` of JavaScript objects forever, up to `leakCapMb` in all (a leak in the
// heap and in anonymous RSS, bounded). A bounded queue answers 503 + Retry-After. It can also drop a share of
// connections after reading the request (no answer), stop answering after N requests (reads them,
// never replies), answer a share of requests with vectors one dimension short, or die after N
// requests (run as a script, the process exits with code 1: a server that dies under load). With no
// misbehaviour set it is a clean server. Shares pick evenly spaced requests (every 1/share-th),
// so a test knows how many misbehaved without counting on chance.
//
// Run it as a script (every option has a flag, see MisbehaviourOptions):
//   node --import tsx harness/http-client/testing/misbehaving-server.ts --delay-ms 20 --lanes 1 --drop-share 0.01
// It prints `listening on http://127.0.0.1:PORT` on stdout once it accepts connections, and on
// SIGTERM/SIGINT a JSON line of what it did (`{"received":…,"answered":…,"dropped":…}`) on stderr.
// In process: `await startMisbehavingServer({ dropShare: 0.05 })`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

export interface MisbehaviourOptions {
  /** Wait per request, in ms, while holding a lane. */
  delayMs: number;
  /** ms added to delayMs for every second the server has run: latency that degrades steadily. */
  delayGrowthMsPerS: number;
  /** Requests served at once; the others queue. */
  lanes: number;
  /** JavaScript memory retained forever per request, in KB. */
  leakKb: number;
  /** Most memory the leak retains in all, in MB: a test's leak stays bounded. */
  leakCapMb: number;
  /** Queued requests beyond which the server answers 503 + Retry-After. */
  queue: number;
  /** Vector length of a correct answer. */
  dimensions: number;
  /** Share (0..1) of embedding requests whose connection is closed after reading, with no answer. */
  dropShare: number;
  /** How a dropped connection closes: 'close' (FIN, what a crashed worker looks like) or 'reset' (RST). */
  dropMode: 'close' | 'reset';
  /** After this many embedding requests, read each new one and never answer. */
  stopAfter: number;
  /** Share (0..1) of embedding requests answered with every vector one dimension short. */
  shortShare: number;
  /** After this many embedding requests, die: the script exits with code 1; in process, the server closes every connection and stops listening. */
  dieAfter: number;
}

export const CLEAN: MisbehaviourOptions = {
  delayMs: 0,
  delayGrowthMsPerS: 0,
  lanes: 1,
  leakKb: 0,
  leakCapMb: Infinity,
  queue: 1000,
  dimensions: 8,
  dropShare: 0,
  dropMode: 'close',
  stopAfter: Infinity,
  shortShare: 0,
  dieAfter: Infinity,
};

/** What the server did, by count of embedding requests. */
export interface MisbehaviourCounts {
  received: number;
  answered: number;
  dropped: number;
  /** Read and never answered (after `stopAfter`). */
  held: number;
  short: number;
  rejected: number;
}

const retained: number[][] = [];

/** A deterministic unit vector for a text (the same text always gives the same vector). */
export function toyVector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < text.length; i++) v[i % dims]! += text.charCodeAt(i) / 128;
  if (text.length === 0) v[0] = 1;
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  return v.map((x) => x / norm);
}

/** True for the n-th event (1-based) when events are picked evenly at `share`: every 1/share-th. */
export function picked(n: number, share: number): boolean {
  return share > 0 && Math.floor(n * share) > Math.floor((n - 1) * share);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** What dying means where the server runs: exiting the process, or closing the in-process server. */
export type DieFn = () => void;

export function createMisbehavingHandler(options: Partial<MisbehaviourOptions> = {}, counts?: MisbehaviourCounts, die?: DieFn) {
  const o: MisbehaviourOptions = { ...CLEAN, ...options };
  const c = counts ?? { received: 0, answered: 0, dropped: 0, held: 0, short: 0, rejected: 0 };
  let busy = 0;
  const bornMs = Date.now();
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (busy < o.lanes) {
      busy++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const nextWaiter = waiting.shift();
    if (nextWaiter) nextWaiter();
    else busy--;
  };
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && req.url === '/v1/models') return send(res, 200, { object: 'list', data: [{ id: 'toy', object: 'model' }] });
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return send(res, 404, { error: { message: 'not found' } });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const n = ++c.received;
    if (n > o.dieAfter) {
      req.socket.destroy();
      die?.();
      return;
    }
    if (n > o.stopAfter) {
      c.held++;
      return; // read, never answered: the socket stays open until the client gives up
    }
    if (picked(n, o.dropShare)) {
      c.dropped++;
      if (o.dropMode === 'reset') req.socket.resetAndDestroy();
      else req.socket.destroy();
      return;
    }
    let input: string[];
    let base64 = false;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string | string[]; encoding_format?: string };
      input = Array.isArray(body.input) ? body.input : [body.input];
      base64 = body.encoding_format === 'base64';
    } catch {
      return send(res, 400, { error: { message: 'bad json' } });
    }
    if (waiting.length >= o.queue) {
      c.rejected++;
      return send(res, 503, { error: { message: 'overloaded' } }, { 'retry-after': '1' });
    }
    await acquire();
    try {
      const delay = o.delayMs + (o.delayGrowthMsPerS * (Date.now() - bornMs)) / 1000;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (o.leakKb > 0 && retained.length * o.leakKb < o.leakCapMb * 1024) retained.push(new Array<number>((o.leakKb * 1024) / 8).fill(Math.random()));
    } finally {
      release();
    }
    const short = picked(n, o.shortShare);
    if (short) c.short++;
    const data = input.map((text, index) => {
      const full = toyVector(String(text), o.dimensions);
      const v = short ? full.slice(0, o.dimensions - 1) : full;
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v) };
    });
    c.answered++;
    send(res, 200, { object: 'list', model: 'toy', data, usage: { prompt_tokens: 0, total_tokens: 0 } });
  };
}

export interface RunningMisbehavingServer {
  url: string;
  counts: MisbehaviourCounts;
  server: Server;
  close(): Promise<void>;
}

/** Starts the server in this process on a free loopback port. */
export async function startMisbehavingServer(options: Partial<MisbehaviourOptions> = {}): Promise<RunningMisbehavingServer> {
  const counts: MisbehaviourCounts = { received: 0, answered: 0, dropped: 0, held: 0, short: 0, rejected: 0 };
  let server: Server | undefined;
  const handler = createMisbehavingHandler(options, counts, () => {
    server?.close();
    server?.closeAllConnections();
  });
  server = createServer((req, res) => void handler(req, res));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server!.listening) return resolve();
        server!.close(() => resolve());
        server!.closeAllConnections(); // held requests would keep it open forever
      }),
  };
}

/** Options from command-line flags; an unknown flag or a bad number is an error that names it. */
export function parseMisbehaviourArgs(args: string[]): { options: MisbehaviourOptions; port: number } {
  const { values } = parseArgs({
    args,
    options: {
      'delay-ms': { type: 'string' },
      'delay-growth': { type: 'string' },
      lanes: { type: 'string' },
      'leak-kb': { type: 'string' },
      'leak-cap-mb': { type: 'string' },
      queue: { type: 'string' },
      dimensions: { type: 'string' },
      'drop-share': { type: 'string' },
      'drop-mode': { type: 'string' },
      'stop-after': { type: 'string' },
      'short-share': { type: 'string' },
      'die-after': { type: 'string' },
      port: { type: 'string', default: '0' },
    },
  });
  const num = (flag: string, min: number, max = Infinity): number | undefined => {
    const raw = values[flag as keyof typeof values];
    if (raw === undefined) return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < min || v > max) throw new Error(`misbehaving-server: --${flag} ${raw}: expected a number from ${min} to ${max}`);
    return v;
  };
  const mode = values['drop-mode'];
  if (mode !== undefined && mode !== 'close' && mode !== 'reset') throw new Error(`misbehaving-server: --drop-mode ${mode}: expected close or reset`);
  const picked = {
    delayMs: num('delay-ms', 0),
    delayGrowthMsPerS: num('delay-growth', 0),
    lanes: num('lanes', 1),
    leakKb: num('leak-kb', 0),
    leakCapMb: num('leak-cap-mb', 1),
    queue: num('queue', 0),
    dimensions: num('dimensions', 2),
    dropShare: num('drop-share', 0, 1),
    dropMode: mode,
    stopAfter: num('stop-after', 0),
    shortShare: num('short-share', 0, 1),
    dieAfter: num('die-after', 0),
  };
  const options = { ...CLEAN, ...Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined)) } as MisbehaviourOptions;
  return { options, port: num('port', 0, 65535) ?? 0 };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseMisbehaviourArgs>;
  try {
    parsed = parseMisbehaviourArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const counts: MisbehaviourCounts = { received: 0, answered: 0, dropped: 0, held: 0, short: 0, rejected: 0 };
  const handler = createMisbehavingHandler(parsed.options, counts, () => {
    process.stderr.write(`died after ${parsed.options.dieAfter} requests\n${JSON.stringify(counts)}\n`);
    process.exit(1);
  });
  const server = createServer((req, res) => void handler(req, res));
  server.listen(parsed.port, '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  const stop = () => {
    process.stderr.write(`${JSON.stringify(counts)}\n`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, '/'))) void main();
