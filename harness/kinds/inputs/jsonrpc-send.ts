// Sends one JSON-RPC case to an MCP Streamable HTTP endpoint as a client would (Accept both JSON
// and SSE, the session's Mcp-Session-Id and protocol version), reads every JSON-RPC message of the
// answer (a JSON body or an SSE stream), and judges it against the case's expectation.
import type { JsonRpcCase, JsonRpcExpectation } from './jsonrpc-cases.ts';

export interface McpSession {
  sessionId: string;
  protocolVersion: string;
}

export type JsonRpcAnswer =
  | { kind: 'answer'; status: number; messages: Record<string, any>[]; text: string; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'error'; error: string; ms: number };

const ACCEPT = 'application/json, text/event-stream';

/** Every JSON-RPC message in a JSON body (one or a batch) or an SSE stream (priming events skipped). */
export function messagesOf(contentType: string, text: string): Record<string, any>[] {
  const parse = (s: string): Record<string, any>[] => {
    const v = JSON.parse(s) as unknown;
    return (Array.isArray(v) ? v : [v]) as Record<string, any>[];
  };
  if (text.trim() === '') return [];
  if (!contentType.includes('text/event-stream')) return parse(text);
  const out: Record<string, any>[] = [];
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data.trim() !== '') out.push(...parse(data));
  }
  return out;
}

export async function postMcp(url: string, body: string, opts: { session?: McpSession; sessionId?: string; contentType?: string; timeoutMs: number }): Promise<JsonRpcAnswer> {
  const started = performance.now();
  const headers: Record<string, string> = { accept: ACCEPT, 'content-type': opts.contentType ?? 'application/json' };
  const sid = opts.sessionId ?? opts.session?.sessionId;
  if (sid) headers['mcp-session-id'] = sid;
  if (opts.session) headers['mcp-protocol-version'] = opts.session.protocolVersion;
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs) });
    const text = await res.text();
    let messages: Record<string, any>[];
    try {
      messages = messagesOf(res.headers.get('content-type') ?? '', text);
    } catch {
      messages = [];
    }
    return { kind: 'answer', status: res.status, messages, text, ms: performance.now() - started };
  } catch (err) {
    const ms = performance.now() - started;
    if ((err as Error).name === 'TimeoutError') return { kind: 'timeout', ms };
    return { kind: 'error', error: String((err as Error & { cause?: unknown }).cause ?? err), ms };
  }
}

/** initialize, then notifications/initialized: an open session for the cases that need one. */
export async function openMcpSession(url: string, timeoutMs: number): Promise<McpSession> {
  const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'embedgate-inputs', version: '1.0.0' } } });
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { accept: ACCEPT, 'content-type': 'application/json' }, body: init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  const sessionId = res.headers.get('mcp-session-id');
  const result = messagesOf(res.headers.get('content-type') ?? '', text).find((m) => m['id'] === 0)?.['result'];
  if (res.status !== 200 || !sessionId || !result) throw new Error(`${url}: initialize answered ${res.status} ${sessionId ? '' : 'without Mcp-Session-Id '}${text.slice(0, 200)}`);
  const session = { sessionId, protocolVersion: String(result['protocolVersion']) };
  const done = await postMcp(url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), { session, timeoutMs: Math.max(1000, Math.round(timeoutMs - (performance.now() - started))) });
  if (done.kind !== 'answer' || done.status !== 202) throw new Error(`${url}: notifications/initialized was not accepted (${done.kind === 'answer' ? `${done.status} ${done.text.slice(0, 200)}` : done.kind === 'error' ? done.error : 'no answer'})`);
  return session;
}

export function sendCase(url: string, session: McpSession, c: JsonRpcCase, timeoutMs: number): Promise<JsonRpcAnswer> {
  return postMcp(url, c.body, {
    ...(c.session === false ? {} : { session }),
    ...(c.unknownSession ? { sessionId: '00000000-0000-4000-8000-000000000000' } : {}),
    ...(c.contentType ? { contentType: c.contentType } : {}),
    timeoutMs,
  });
}

/** ok, or why not: what came back against what the case expects. */
export function judgeJsonRpc(expect: JsonRpcExpectation, answer: JsonRpcAnswer): { ok: boolean; why: string } {
  if (answer.kind === 'timeout') return { ok: false, why: `no answer within the time limit (${Math.round(answer.ms)} ms)` };
  if (answer.kind === 'error') return { ok: false, why: `the connection failed: ${answer.error}` };
  const { status, messages, text } = answer;
  const got = `HTTP ${status}${messages.length ? ` ${JSON.stringify(messages).slice(0, 240)}` : text ? ` ${text.slice(0, 200)}` : ' (no body)'}`;
  if (status >= 500) return { ok: false, why: `a server error: ${got}` };
  const first = messages[0];
  const error = first?.['error'] as { code?: unknown; message?: unknown } | undefined;
  const clearError = error && typeof error.code === 'number' && typeof error.message === 'string' && error.message.length > 0;
  const result = first?.['result'] as Record<string, unknown> | undefined;
  const isErrorResult = result?.['isError'] === true && Array.isArray(result['content']) && typeof (result['content'] as { text?: unknown }[])[0]?.text === 'string';
  if ('accepted' in expect) return status === 202 && text === '' ? { ok: true, why: 'accepted (202, no body)' } : { ok: false, why: `expected 202 Accepted with no body, got ${got}` };
  if ('result' in expect) return result && !error && result['isError'] !== true ? { ok: true, why: 'answered with a result' } : { ok: false, why: `expected a result, got ${got}` };
  if ('isError' in expect) return isErrorResult ? { ok: true, why: `an isError result: ${String((result!['content'] as { text: string }[])[0]!.text).slice(0, 160)}` } : { ok: false, why: `expected a tools/call result with isError: true and a message, got ${got}` };
  if ('errorOrIsError' in expect) {
    if (status >= 400 && !clearError) return { ok: false, why: `refused without a JSON-RPC error: ${got}` };
    return clearError || isErrorResult || messages.every((m) => m['result'] !== undefined || m['error'] !== undefined) ? { ok: true, why: got } : { ok: false, why: `no clear answer: ${got}` };
  }
  if (!clearError) return { ok: false, why: `expected JSON-RPC error ${expect.error}, got ${got}` };
  if (error.code !== expect.error) return { ok: false, why: `expected JSON-RPC error ${expect.error}, got ${error.code} (${String(error.message).slice(0, 160)})` };
  if (expect.status !== undefined && status !== expect.status) return { ok: false, why: `right code ${expect.error} but HTTP ${status}, expected ${expect.status}` };
  if (expect.id !== undefined && first?.['id'] !== expect.id) return { ok: false, why: `right code ${expect.error} but id ${JSON.stringify(first?.['id'])}, expected ${JSON.stringify(expect.id)}` };
  return { ok: true, why: `error ${error.code}: ${String(error.message).slice(0, 160)}` };
}
