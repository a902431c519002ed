// A small OpenAI-compatible embeddings server that misbehaves on purpose, for tests of the load
// and memory suites: each request waits `delayMs` in one of `lanes` lanes (a slow model with few
// contexts), and may retain `leakKb` of JavaScript objects forever (a leak in the heap and in
// anonymous RSS). A bounded queue answers 503 + Retry-After. Run it as a script:
//   node --import tsx harness/http-client/testing/misbehaving-server.ts --delay-ms 20 --lanes 1 --leak-kb 0
// It prints `listening on http://127.0.0.1:PORT` on stdout once it accepts connections.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

export interface MisbehaviourOptions {
  delayMs: number;
  lanes: number;
  leakKb: number;
  queue: number;
  dimensions: number;
}

const retained: number[][] = [];

function vector(text: string, dims: number): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < text.length; i++) v[i % dims]! += text.charCodeAt(i) / 128;
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function createMisbehavingHandler(o: MisbehaviourOptions) {
  let busy = 0;
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
    for await (const c of req) chunks.push(c as Buffer);
    let input: string[];
    let base64 = false;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string | string[]; encoding_format?: string };
      input = Array.isArray(body.input) ? body.input : [body.input];
      base64 = body.encoding_format === 'base64';
    } catch {
      return send(res, 400, { error: { message: 'bad json' } });
    }
    if (waiting.length >= o.queue) return send(res, 503, { error: { message: 'overloaded' } }, { 'retry-after': '1' });
    await acquire();
    try {
      if (o.delayMs > 0) await new Promise((r) => setTimeout(r, o.delayMs));
      if (o.leakKb > 0) retained.push(new Array<number>((o.leakKb * 1024) / 8).fill(Math.random()));
    } finally {
      release();
    }
    const data = input.map((text, index) => {
      const v = vector(text, o.dimensions);
      return { object: 'embedding', index, embedding: base64 ? Buffer.from(v.buffer).toString('base64') : Array.from(v) };
    });
    send(res, 200, { object: 'list', model: 'toy', data, usage: { prompt_tokens: 0, total_tokens: 0 } });
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'delay-ms': { type: 'string', default: '0' },
      lanes: { type: 'string', default: '1' },
      'leak-kb': { type: 'string', default: '0' },
      queue: { type: 'string', default: '1000' },
      port: { type: 'string', default: '0' },
    },
  });
  const handler = createMisbehavingHandler({
    delayMs: Number(values['delay-ms']),
    lanes: Number(values.lanes),
    leakKb: Number(values['leak-kb']),
    queue: Number(values.queue),
    dimensions: 8,
  });
  const server = createServer((req, res) => void handler(req, res));
  server.listen(Number(values.port), '127.0.0.1', () => {
    process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, '/'))) void main();
