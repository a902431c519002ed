// One load phase through MCP: virtual users calling the embed tool in a loop (closed model), or
// calls arriving at a fixed rate and served by whichever virtual user is free (open model). Each
// virtual user holds its own session for the whole suite (SessionPool), or opens and closes one
// per call (`session: per-call`, whose latency then includes the handshake). It returns the
// PhaseResult runPhase returns over HTTP, so the load kind's summaries, checks and reports read
// it unchanged: every call accounted for (sent = answered + timeout + reset + connection + lost +
// unanswered), every result checked by the same AnswerChecker, latency per tool call.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AnswerChecker, inputsOfBody } from '../../http-client/answer-check.ts';
import type { ErrorCounts, PhaseResult, PhaseSpec } from '../../http-client/phase.ts';
import { LatencyHistogram } from '../../metrics/latency.ts';
import type { McpToolMapping } from '../../plan.ts';
import type { McpConnection } from './connection.ts';
import { embedArguments, ToolAnswerError, vectorsOf, type ToolResult } from './mapping.ts';
import { outcomeOfFailure } from './outcome.ts';
import type { SessionPool } from './session-pool.ts';
import { GeneratorMeter } from '../../http-client/generator-meter.ts';

export interface McpPhaseOptions {
  mapping: McpToolMapping;
  session: 'per-user' | 'per-call';
  /** The virtual users' sessions (per-user). */
  pool: SessionPool;
  /** A fresh session (per-call); undefined when the server cannot have one per call (stdio). */
  openSession?: () => Promise<McpConnection>;
}

interface Call {
  settled: boolean;
  /** Counted as unanswered when the grace period ended first: its later settling is ignored. */
  given_up: boolean;
}

export async function runMcpPhase(spec: PhaseSpec, o: McpPhaseOptions): Promise<PhaseResult> {
  if (spec.bodies.length === 0) throw new Error(`load phase ${spec.name}: no request bodies`);
  if (o.session === 'per-call' && !o.openSession) {
    throw new Error(`load phase ${spec.name}: session: per-call needs an MCP server at a URL; a stdio server is one process and one session (use session: per-user)`);
  }
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const graceMs = spec.graceMs ?? timeoutMs;
  const open = spec.rate !== undefined;
  const connections = open ? Math.max(1, Math.min(spec.connections, Math.ceil(spec.rate!))) : spec.connections;
  const checker = spec.check === false ? undefined : new AnswerChecker(spec.check ?? {});
  const inputsOf = (spec.check || undefined)?.inputsOf ?? ((i: number) => inputsOfBody(spec.bodies[i]!));
  const latency = new LatencyHistogram();
  const corrected = open ? new LatencyHistogram() : undefined;
  const statusCodes: Record<string, number> = {};
  const errors: ErrorCounts = { status: 0, timeout: 0, reset: 0, connection: 0, lost: 0, unanswered: 0 };
  let sent = 0;
  let answered = 0;
  let late = 0;
  let ok = 0;
  let okInPhase = 0;
  let rejected = 0;
  let rejectedWithoutRetryAfter = 0;
  let next = spec.startIndex;
  const inFlight = new Set<Call>();
  let stopping = false;

  const sessions = o.session === 'per-user' ? await o.pool.take(connections) : [];
  const meter = new GeneratorMeter();
  const started = performance.now();
  const endAt = started + spec.durationMs;
  const stop = () => {
    stopping = true;
  };
  spec.signal?.addEventListener('abort', stop, { once: true });

  const note = (code: string) => (statusCodes[code] = (statusCodes[code] ?? 0) + 1);
  const check = (result: ToolResult, inputs: readonly string[] | undefined) => {
    if (!checker?.wants()) return;
    let vectors: unknown[];
    try {
      vectors = vectorsOf(o.mapping, result);
    } catch (err) {
      if (!(err instanceof ToolAnswerError)) throw err;
      // The checker's own reasons: JSON that does not parse, or an answer of the wrong shape.
      if (err.fault === 'json') checker.check('not json', inputs);
      else checker.checkParsed(undefined, inputs);
      return;
    }
    checker.checkParsed({ data: vectors.map((embedding, index) => ({ embedding, index })) }, inputs);
  };

  /** One tool call on `session` (per-call: a new session of its own); `due` is when an open-model arrival was scheduled. */
  const call = async (session: McpConnection | undefined, due?: number) => {
    const bodyIndex = next++ % spec.bodies.length;
    const inputs = inputsOf(bodyIndex) ?? [];
    const entry: Call = { settled: false, given_up: false };
    inFlight.add(entry);
    sent++;
    const t0 = performance.now();
    let result: ToolResult | undefined;
    let failure: unknown;
    let used = session;
    try {
      used ??= await o.openSession!();
      try {
        result = (await used.client.callTool({ name: o.mapping.embed.name, arguments: embedArguments(o.mapping, inputs) }, undefined, { timeout: timeoutMs })) as ToolResult;
      } finally {
        if (!session) await used.close().catch(() => undefined);
      }
    } catch (err) {
      failure = err;
    }
    const t1 = performance.now();
    entry.settled = true;
    inFlight.delete(entry);
    if (entry.given_up) return;
    if (failure !== undefined) {
      const outcome = outcomeOfFailure(failure);
      if (!outcome.answered) {
        errors[outcome.kind]++;
        return;
      }
      answered++;
      if (t1 > endAt) late++;
      errors.status++;
      note(outcome.code);
      if (outcome.status === 503) {
        rejected++;
        if (!/^\d+$/.test(used?.retryAfter?.()?.trim() ?? '')) rejectedWithoutRetryAfter++;
      }
      return;
    }
    answered++;
    if (result!.isError) {
      if (t1 > endAt) late++;
      errors.status++;
      note('tool error');
      return;
    }
    note('result');
    ok++;
    if (t1 > endAt) late++;
    else okInPhase++;
    latency.recordMs(t1 - t0);
    if (corrected && due !== undefined) corrected.recordMs(t1 - due);
    check(result!, inputs);
  };

  // call() catches every failure of the call itself; anything else is a harness bug, thrown at the end.
  let harnessError: unknown;
  const watch = (p: Promise<void>) => void p.catch((err: unknown) => void (harnessError ??= err));
  if (!open) {
    for (let u = 0; u < connections; u++) {
      watch(
        (async () => {
          while (!stopping && performance.now() < endAt) await call(sessions[u]);
        })(),
      );
    }
  } else {
    // Arrivals on schedule; each waits for a free virtual user, and its corrected latency counts from when it was due.
    const free = Array.from({ length: connections }, (_, u) => u);
    const waiting: ((u: number) => void)[] = [];
    const release = (u: number) => (waiting.length ? waiting.shift()!(u) : free.push(u));
    const intervalMs = 1000 / spec.rate!;
    watch(
      (async () => {
        for (let i = 0; !stopping; i++) {
          const due = started + i * intervalMs;
          if (due >= endAt) break;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const u = free.length ? free.shift()! : await new Promise<number>((resolve) => waiting.push(resolve));
          if (stopping || performance.now() >= endAt) {
            release(u);
            break;
          }
          watch(call(sessions[u], due).finally(() => release(u)));
        }
      })(),
    );
  }
  // The phase ends at endAt; calls still in flight get the grace period, then count as unanswered.
  const aborted = new Promise<void>((resolve) => (spec.signal?.aborted ? resolve() : spec.signal?.addEventListener('abort', () => resolve(), { once: true })));
  await Promise.race([sleep(Math.max(0, endAt - performance.now())), aborted]);
  stopping = true;
  const wallMs = performance.now() - started;
  const graceEnd = performance.now() + (spec.signal?.aborted ? 0 : graceMs);
  while (inFlight.size > 0 && performance.now() < graceEnd && !spec.signal?.aborted) await sleep(Math.min(20, Math.max(1, graceEnd - performance.now())));
  for (const entry of inFlight) {
    entry.given_up = true;
    errors.unanswered++;
  }
  inFlight.clear();
  spec.signal?.removeEventListener('abort', stop);
  if (harnessError !== undefined) throw harnessError;
  const grace = performance.now() - started - wallMs;
  return {
    name: spec.name,
    connections,
    ...(spec.rate !== undefined ? { rate: spec.rate } : {}),
    wallMs,
    requests: sent,
    sent,
    answered,
    late,
    withdrawn: 0,
    graceMs: grace,
    ok,
    throughputRps: (okInPhase * 1000) / wallMs,
    offeredRps: (sent * 1000) / wallMs,
    latency,
    ...(corrected ? { corrected } : {}),
    statusCodes,
    errors,
    rejected,
    rejectedWithoutRetryAfter,
    checked: checker?.checked ?? 0,
    invalid: checker?.invalid ?? { total: 0, byReason: {} },
    rewritten: { checked: 0, caught: 0, byReason: {} },
    checkMs: checker?.ms ?? 0,
    generator: meter.read(wallMs + grace, spec.saturationCores),
    nextIndex: next,
  };
}
