// Sends one raw request over node:http (fetch would fix up methods, content types and bytes that
// the inputs suite sends wrong on purpose) and says what came back: an answer, no answer within
// the timeout, or a transport failure. A server may answer before it has read the whole body (a
// 413 on Content-Length) and close: an answer whose headers arrived counts, whatever the upload did.
import { request } from 'node:http';
import type { RawRequest } from './case.ts';

export type Sent =
  | { kind: 'answer'; status: number; headers: Record<string, string | string[] | undefined>; body: string; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'failed'; error: string; ms: number };

/** Most of an answer body kept: error bodies are small, a 2048-vector answer is not read to the end for nothing. */
const MAX_BODY = 64 * 1024 * 1024;

export function send(baseUrl: string, req: RawRequest, timeoutMs: number, apiKey?: string): Promise<Sent> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const url = new URL(req.path, baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const done = (s: Sent) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(s);
    };
    const headers: Record<string, string | number> = { ...req.headers, connection: 'close' };
    if (apiKey) headers['authorization'] = `Bearer ${apiKey}`;
    if (req.body && !req.chunked) headers['content-length'] = req.body.length;
    const r = request(url, { method: req.method, headers, agent: false });
    const timer = setTimeout(() => {
      done({ kind: 'timeout', ms: ms() });
      r.destroy();
    }, timeoutMs);
    let responded = false;
    r.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      const finish = () => done({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: ms() });
      res.on('end', finish);
      // The server closed mid-body: what arrived is the answer (a truncated JSON body is itself unclear).
      res.on('error', finish);
      res.on('aborted', finish);
    });
    r.on('error', (err) => {
      // EPIPE/ECONNRESET while uploading after the answer began: the 'response' path settles it.
      setTimeout(() => responded || done({ kind: 'failed', error: `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`.trim(), ms: ms() }), 50);
    });
    if (req.body) {
      if (req.chunked) {
        // Several chunks, so the body's size is known to no header.
        const step = 1 << 20;
        for (let i = 0; i < req.body.length; i += step) r.write(req.body.subarray(i, i + step));
        r.end();
      } else r.end(req.body);
    } else r.end();
  });
}
