// The canary's weighted router on 127.0.0.1: the load talks to it, and it sends each new embedding
// request to the baseline or the candidate by a seeded draw against the candidate's weight (see
// weighted-choice.ts). A rollback is one assignment: weight 0, so every request that arrives after
// it goes to the baseline; requests already in flight on the candidate finish or fail where they
// are and are counted (side-ledger.ts), and drained() says when the last one ended. The router
// answers for a side that gave no answer, as a gateway does (502 for a connection that failed or
// was reset, 504 after the upstream timeout), so the load generator's own accounting still sees
// every request, and the ledger records which side failed how.
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SideLedger, type Failure } from './side-ledger.ts';
import { WeightedChoice, type Side } from './weighted-choice.ts';

export interface RouterOptions {
  /** Base URLs (without /v1) of each side. */
  baseline: string;
  candidate: string;
  seed: number;
  /** How long a side may take to answer before the router answers 504 for it. */
  upstreamTimeoutMs: number;
  /** ms on the suite's clock. */
  clock: () => number;
  /**
   * Request bodies that start with `{"model":"<placeholder>"` get each side's model id instead, as
   * a gateway maps one public model name onto two versions.
   */
  models?: { placeholder: string; baseline: string; candidate: string };
  dimensions?: Partial<Record<Side, number>>;
}

export interface CanaryRouter {
  url: string;
  ledger: SideLedger;
  /** Percent of new requests to the candidate. */
  setWeight(percent: number): void;
  weight(): number;
  /** Every new request to the baseline from now on; returns when that took effect (suite clock). */
  shiftToBaseline(): number;
  /** Resolves, with the time on the suite clock, once no request is in flight on the candidate. */
  drained(): Promise<number>;
  close(): Promise<void>;
}

function failureOf(err: NodeJS.ErrnoException): Failure {
  if (err.message === 'upstream timeout') return 'timeout';
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.message === 'socket hang up') return 'reset';
  return 'connection';
}

export async function startCanaryRouter(o: RouterOptions): Promise<CanaryRouter> {
  const choice = new WeightedChoice(o.seed);
  const ledger = new SideLedger(o.dimensions);
  const agents: Record<Side, Agent> = { baseline: new Agent({ keepAlive: true, maxSockets: 512 }), candidate: new Agent({ keepAlive: true, maxSockets: 512 }) };
  const base: Record<Side, URL> = { baseline: new URL(o.baseline), candidate: new URL(o.candidate) };
  const prefix = o.models ? `{"model":${JSON.stringify(o.models.placeholder)}` : undefined;

  const forward = (side: Side, req: IncomingMessage, res: ServerResponse, body: Buffer, counted: boolean) => {
    const arrivedMs = o.clock();
    let sent = body;
    if (prefix && o.models && body.subarray(0, prefix.length).toString() === prefix) {
      sent = Buffer.concat([Buffer.from(`{"model":${JSON.stringify(o.models[side])}`), body.subarray(prefix.length)]);
    }
    if (counted) ledger.started(side);
    let done = false;
    const finish = (answer: { status: number; headers: Record<string, string>; body: Buffer } | { failure: Failure }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (counted) {
        ledger.finished({ side, arrivedMs, endedMs: o.clock(), ...('failure' in answer ? { failure: answer.failure } : { status: answer.status }) }, body.toString('utf8'), 'body' in answer ? answer.body.toString('utf8') : undefined);
      }
      if (res.destroyed || res.writableEnded) return;
      if ('failure' in answer) {
        const status = answer.failure === 'timeout' ? 504 : 502;
        const text = JSON.stringify({ error: { message: `canary router: the ${side} gave no answer (${answer.failure})`, type: 'upstream_error', code: `canary_upstream_${answer.failure}` } });
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-embedgate-canary-side': side });
        res.end(text);
      } else {
        res.writeHead(answer.status, { ...answer.headers, 'content-length': answer.body.length, 'x-embedgate-canary-side': side });
        res.end(answer.body);
      }
    };
    const target = new URL(req.url ?? '/', base[side]);
    const up = request(target, { method: req.method, agent: agents[side], headers: { 'content-type': req.headers['content-type'] ?? 'application/json', 'content-length': sent.length, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'retry-after', 'x-embedgate-truncated']) if (typeof answer.headers[h] === 'string') headers[h] = answer.headers[h] as string;
        finish({ status: answer.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
      });
      answer.on('error', (err) => finish({ failure: failureOf(err) }));
    });
    const timer = setTimeout(() => up.destroy(new Error('upstream timeout')), o.upstreamTimeoutMs);
    up.on('error', (err) => finish({ failure: failureOf(err) }));
    // The load generator gave up first: the side's answer is no longer wanted.
    res.on('close', () => {
      if (!done) {
        finish({ failure: 'client-gone' });
        up.destroy();
      }
    });
    up.end(sent);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const embedding = req.method === 'POST' && /^\/(v1\/)?embeddings(\?|$)/.test(req.url ?? '');
      // Only embedding requests are the canary's traffic; /health, /v1/models and the rest go to the baseline, uncounted.
      forward(embedding ? choice.next() : 'baseline', req, res, body, embedding);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    ledger,
    setWeight: (percent) => {
      choice.candidateWeight = percent;
    },
    weight: () => choice.candidateWeight,
    shiftToBaseline() {
      choice.candidateWeight = 0;
      return o.clock();
    },
    async drained() {
      await ledger.whenIdle('candidate');
      return o.clock();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agents.baseline.destroy();
        agents.candidate.destroy();
      }),
  };
}
