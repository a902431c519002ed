// One load phase: autocannon against POST /v1/embeddings for a fixed time, closed model (N
// connections, each sends when its previous answer arrives) or open model (a fixed arrival rate).
// Latency of 2xx answers goes into HDR histograms; in the open model a second histogram is
// corrected for coordinated omission. Every request sent is accounted for at the socket (see
// request-ledger.ts): answered, failed by kind, lost or unanswered. Answers are checked (see
// answer-check.ts). The generator (this process) watches its own CPU, so a result limited by the
// generator is not blamed on the target.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { LatencyHistogram } from '../metrics/latency.ts';
import { AnswerChecker, inputsOfBody, REWRITTEN_HEADER, type AnswerCheckOptions, type InvalidCounts } from './answer-check.ts';
import { RequestLedger, type Answer } from './request-ledger.ts';
import { GeneratorMeter } from './generator-meter.ts';

export { classifyError } from './error-kind.ts';

export interface PhaseCheck extends AnswerCheckOptions {
  /** The inputs of body `i` (default: parsed from the body), for count, order and repeat checks. */
  inputsOf?: (bodyIndex: number) => readonly string[] | undefined;
}

export interface PhaseSpec {
  name: string;
  /** Base URL of the server, e.g. http://127.0.0.1:8080. */
  url: string;
  bodies: readonly string[];
  /** Where in `bodies` to start; the result says where it stopped. */
  startIndex: number;
  connections: number;
  durationMs: number;
  /** Open model: requests per second over all connections. */
  rate?: number;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** CPU of this process above which the generator counts as saturated, in cores. Default 0.9. */
  saturationCores?: number;
  /** How answers are checked; false: not at all. Default: all of them, dimension from the first. */
  check?: PhaseCheck | false;
  /** How long requests in flight at the end may still be answered. Default timeoutMs. */
  graceMs?: number;
}

export interface ErrorCounts {
  /** Answers with a status other than 2xx. */
  status: number;
  timeout: number;
  /** Connection reset or broken pipe. */
  reset: number;
  /** Refused or other socket errors. */
  connection: number;
  /** Sent, then the server closed the connection without answering. */
  lost: number;
  /** Still in flight when the phase and its grace period ended. */
  unanswered: number;
}

export interface GeneratorLoad {
  /** CPU this process used during the phase, in cores (user + system over wall time). */
  cpuCores: number;
  /** Share of wall time the event loop was busy. */
  eventLoopUtilization: number;
  saturated: boolean;
}

export interface PhaseResult {
  name: string;
  /**
   * CPU the target's processes used during the phase, in cores, by role ("server", "worker", or a
   * pid); set by the runner when the target runs on this machine.
   */
  targetCpu?: Record<string, number>;
  connections: number;
  rate?: number;
  wallMs: number;
  /** Requests sent: answers received plus requests that failed without one (= `sent`). */
  requests: number;
  /**
   * Requests written to a connection. sent = answered + errors.timeout + errors.reset +
   * errors.connection + errors.lost + errors.unanswered, exactly.
   */
  sent: number;
  /** Answers of any status, in the phase or its grace period. */
  answered: number;
  /** Of them, answers that arrived in the grace period (counted everywhere but `throughputRps`). */
  late: number;
  /** Requests written after the server announced `Connection: close` on that socket: not in `sent`. */
  withdrawn?: number;
  /** Time the phase waited after its end for answers in flight, ms (not in `wallMs`). */
  graceMs: number;
  /** 2xx answers. */
  ok: number;
  /** 2xx answers within the phase per second. */
  throughputRps: number;
  /** Requests sent per second (what the target was offered). */
  offeredRps: number;
  /** 2xx latencies as measured (service time seen by a connection). */
  latency: LatencyHistogram;
  /** Open model only: 2xx latencies corrected for coordinated omission. */
  corrected?: LatencyHistogram;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
  errors: ErrorCounts;
  /** 503 answers, and those of them without a Retry-After header. */
  rejected: number;
  rejectedWithoutRetryAfter: number;
  /** 2xx answers checked (see answer-check.ts), and those found invalid, by reason. */
  checked: number;
  invalid: InvalidCounts;
  /** 2xx answers the fault proxy rewrote on purpose (not in `checked`), and those the checks caught. */
  rewritten?: AnswerChecker['rewritten'];
  /** Time spent checking answers, ms, on this thread (part of `generator.cpuCores`). */
  checkMs: number;
  generator: GeneratorLoad;
  nextIndex: number;
}

/** Failed requests of every kind: non-2xx answers, socket errors, lost and unanswered requests. */
export function errorTotal(e: ErrorCounts): number {
  return e.status + e.timeout + e.reset + e.connection + (e.lost ?? 0) + (e.unanswered ?? 0);
}

/** A header's value, whatever the case of its name; undefined when absent. */
function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(', ') : v;
  return undefined;
}

/** Splits `total` into `parts` integers that differ by at most one and add up to it. */
export function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/**
 * Open model: autocannon gives each connection a budget of requests per second and refills every
 * budget on one shared one-second tick, so all connections send at once: arrivals come as one
 * burst a second, and the queue that burst builds is the generator's doing, not the target's.
 * Starting the connections in this many waves, 1/WAVES s apart, spreads arrivals over the second.
 */
export const OPEN_MODEL_WAVES = 10;

export async function runPhase(spec: PhaseSpec): Promise<PhaseResult> {
  if (spec.bodies.length === 0) throw new Error(`load phase ${spec.name}: no request bodies`);
  let next = spec.startIndex;
  const latency = new LatencyHistogram();
  const corrected = spec.rate ? new LatencyHistogram() : undefined;
  // Autocannon spreads the rate over the connections; each is meant to send every connections/rate s.
  const connections = spec.rate ? Math.max(1, Math.min(spec.connections, Math.floor(spec.rate))) : spec.connections;
  const intervalMs = spec.rate ? (1000 * connections) / spec.rate : 0;
  const statusCodes: Record<string, number> = {};
  let status = 0;
  let ok = 0;
  let okInPhase = 0;
  let rejected = 0;
  let rejectedWithoutRetryAfter = 0;
  let sent = 0;
  let built = 0;
  const checker = spec.check === false ? undefined : new AnswerChecker(spec.check ?? {});
  const inputsOf = (spec.check || undefined)?.inputsOf ?? ((i: number) => inputsOfBody(spec.bodies[i]!));
  const onAnswer = (a: Answer) => {
    const code = String(a.status);
    statusCodes[code] = (statusCodes[code] ?? 0) + 1;
    if (a.status >= 200 && a.status < 300) {
      ok++;
      if (!a.late) okInPhase++;
      latency.recordMs(a.latencyMs);
      corrected?.recordCorrectedMs(a.latencyMs, intervalMs);
      if (checker?.wants()) checker.check(a.body, a.bodyIndex === undefined ? undefined : inputsOf(a.bodyIndex), { contentType: header(a.headers, 'content-type'), rewritten: header(a.headers, REWRITTEN_HEADER) !== undefined });
      return;
    }
    status++;
    if (a.status !== 503) return;
    rejected++;
    const retryAfter = a.headers['retry-after'] ?? a.headers['Retry-After'];
    if (retryAfter === undefined || !/^\d+$/.test(String(retryAfter).trim())) rejectedWithoutRetryAfter++;
  };
  // A request in flight at the end is not an error before its own timeout: a closed phase at N
  // connections drains in about N / throughput, over 2 s on a slow model (a 2 s grace counted 13 of
  // 1064 answers-to-be as unanswered in load-100). The wait ends as soon as nothing is in flight.
  const ledger = new RequestLedger(() => built, onAnswer, spec.graceMs ?? spec.timeoutMs ?? 10_000);

  const meter = new GeneratorMeter();
  const started = performance.now();
  const instances: autocannon.Instance[] = [];
  const timers: NodeJS.Timeout[] = [];
  const notStarted = new Set<() => void>();
  const launch = (conns: number, rate: number | undefined, durationMs: number) =>
    new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `${spec.url.replace(/\/+$/, '')}/v1/embeddings`,
          connections: conns,
          duration: Math.max(0.1, durationMs / 1000),
          // autocannon notices the end only at its next sample tick (default every second): a wave
          // started 0.9 s in would run up to 0.9 s past the phase and thin its throughput.
          sampleInt: 100,
          timeout: Math.max(1, Math.round((spec.timeoutMs ?? 10_000) / 1000)),
          method: 'POST',
          headers: { 'content-type': 'application/json', ...spec.headers },
          ...(rate !== undefined ? { overallRate: rate } : {}),
          setupClient: (client) => ledger.attach(client),
          requests: [
            {
              setupRequest: (req) => {
                sent++;
                built = next++ % spec.bodies.length;
                return { ...req, body: spec.bodies[built]! };
              },
              onResponse: (_status, body, _context, headers) => ledger.noteBody(body, headers as Record<string, string | string[]> | undefined),
            },
          ],
        },
        (err) => (err ? reject(err) : resolve()),
      );
      instances.push(instance);
    });
  const runs: Promise<void>[] = [];
  if (spec.rate) {
    const waves = Math.min(OPEN_MODEL_WAVES, connections);
    const conns = split(connections, waves);
    const rates = split(Math.max(waves, Math.round(spec.rate)), waves);
    for (let i = 0; i < waves; i++) {
      const offset = (i * 1000) / waves;
      runs.push(
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            notStarted.delete(resolve);
            launch(conns[i]!, rates[i]!, spec.durationMs - offset).then(resolve, reject);
          }, offset);
          timers.push(timer);
          notStarted.add(resolve);
        }),
      );
    }
  } else {
    runs.push(launch(connections, undefined, spec.durationMs));
  }
  const stop = () => {
    // Waves that have not started never will; the running ones end when stopped.
    for (const t of timers) clearTimeout(t);
    for (const resolve of notStarted) resolve();
    notStarted.clear();
    for (const instance of instances) instance.stop();
    ledger.hurry();
  };
  spec.signal?.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(runs);
  } finally {
    spec.signal?.removeEventListener('abort', stop);
  }
  const wallMs = performance.now() - started;
  const counts = await ledger.settled();
  const graceMs = performance.now() - started - wallMs;
  const errors: ErrorCounts = { status, timeout: counts.timeout, reset: counts.reset, connection: counts.connection, lost: counts.lost, unanswered: counts.unanswered };
  return {
    name: spec.name,
    connections,
    ...(spec.rate ? { rate: spec.rate } : {}),
    wallMs,
    requests: counts.sent,
    sent: counts.sent,
    answered: counts.answered,
    late: counts.late,
    withdrawn: counts.withdrawn,
    graceMs,
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
    rewritten: checker?.rewritten ?? { checked: 0, caught: 0, byReason: {} },
    checkMs: checker?.ms ?? 0,
    generator: meter.read(wallMs + graceMs, spec.saturationCores),
    nextIndex: next,
  };
}
