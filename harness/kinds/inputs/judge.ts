// Judges what came back for one input against what a right answer is: the status class, an error
// body in the target's error shape with a message (and the parameter, where one applies), or a
// 2xx whose vectors pass the same checks load suites apply. Liveness is judged apart (runner).
import { AnswerChecker, type SeenTexts } from '../../http-client/answer-check.ts';
import type { CaseResult, InputCase } from './case.ts';
import type { Sent } from './send.ts';

export interface ErrorShape {
  /** Dot path of the message, e.g. error.message. */
  message: string;
  /** Dot path of the parameter, or '' when the target names none. */
  param: string;
}

export interface JudgeContext {
  shape: ErrorShape;
  dimensions: number;
  normalised: boolean;
  /** First vectors of texts seen, so the same text must come back the same in every case. */
  seen: SeenTexts;
}

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** `input[3]` names the same field as `input`: a target may name the item or the field. */
const field = (param: string) => param.replace(/\[.*$/, '');

/** The message and parameter of an error body, in the target's shape. */
export function readError(body: string, shape: ErrorShape): { message?: string; param?: string | null; json: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { json: false };
  }
  const message = at(parsed, shape.message);
  const param = shape.param ? at(parsed, shape.param) : undefined;
  return { json: true, ...(typeof message === 'string' ? { message } : {}), ...(typeof param === 'string' || param === null ? { param } : {}) };
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function judge(c: InputCase, sent: Sent, ctx: JudgeContext): CaseResult {
  const base = { group: c.group, name: c.name, what: c.what, ms: sent.ms };
  const wantsAnswer = c.expect.kind !== 'reject';
  if (sent.kind === 'timeout') return { ...base, verdict: 'hung', why: `no answer within ${sent.ms} ms` };
  if (sent.kind === 'failed') return { ...base, verdict: 'unclear', why: `no answer: the connection failed (${sent.error})` };
  const { status, body } = sent;
  const r = { ...base, status };
  if (status >= 200 && status < 300) {
    if (c.expect.kind === 'reject') return { ...r, verdict: 'accepted-bad', why: `answered ${status} to a body that must fail${c.expect.param ? ` (on ${[c.expect.param].flat().join(' or ')})` : ''}: ${clip(body, 160)}` };
    const own = c.dimensions !== undefined && c.dimensions !== ctx.dimensions;
    const checker = new AnswerChecker({ dimensions: c.dimensions ?? ctx.dimensions, normalised: ctx.normalised, ...(own ? { maxTexts: 0 } : { seenTexts: ctx.seen }) });
    const wrong = checker.check(body, c.inputs);
    if (wrong) return { ...r, verdict: 'rejected-good', why: `answered ${status}, but the answer is wrong (${wrong}): ${clip(body, 160)}` };
    return { ...r, verdict: 'ok', why: `${status} with ${c.inputs?.length ?? '?'} correct vector(s)` };
  }
  const error = readError(body, ctx.shape);
  const said = { ...(error.message !== undefined ? { message: clip(error.message) } : {}), ...(error.param !== undefined ? { param: error.param } : {}) };
  if (c.expect.kind === 'accept') return { ...r, ...said, verdict: 'rejected-good', why: `a valid input answered ${status}: ${clip(error.message ?? body, 200)}` };
  const problems: string[] = [];
  if (status < 400 || status >= 500) problems.push(`status ${status}, expected a 4xx${status >= 500 ? ' (a 5xx says the server failed, not the request)' : ''}`);
  if (!error.json) problems.push(`the error body is not JSON: ${JSON.stringify(clip(body, 120))}`);
  else if (!error.message?.trim()) problems.push(`no message at ${ctx.shape.message}`);
  const wanted = c.expect.param === undefined ? [] : [c.expect.param].flat();
  if (wanted.length > 0 && ctx.shape.param && (typeof error.param !== 'string' || !wanted.some((w) => field(w) === field(error.param as string)))) {
    problems.push(`${ctx.shape.param} is ${JSON.stringify(error.param ?? null)}, expected ${wanted.map((w) => JSON.stringify(w)).join(' or ')}`);
  }
  if (problems.length > 0) return { ...r, ...said, verdict: 'unclear', why: problems.join('; ') };
  const preferred = c.expect.kind === 'reject' && c.expect.status !== undefined && c.expect.status !== status ? ` (${c.expect.status} would be more precise)` : '';
  return { ...r, ...said, verdict: 'ok', why: `${status}${preferred}${wantsAnswer ? ', a clear error (an answer would also have been right)' : ''}` };
}
