// What a runner can ask of a system under test. Every target describes itself and closes; the
// rest are capabilities a target has or lacks. A runner asks with need() or has(), never by
// class, so a new target type (mcp, a reference engine) plugs in by what it can do.
import type { PhaseResult, PhaseSpec } from '../http-client/phase.ts';
import type { ModelInfo, TargetDescription } from '../result.ts';

export interface Target {
  describe(): TargetDescription;
  close(): Promise<void>;

  /** Model facts read from GGUF metadata (gguf) or reported by the server (http). Absent without a model (the simulated swarm). */
  info?(): ModelInfo;
  /** Embeds raw texts, prefixes already applied by the caller. One vector per text, in order. */
  embed?(texts: string[]): Promise<Float32Array[]>;
  /** Like embed, with the number of tokens each text became, when the target can tell. */
  embedDetailed?(texts: string[]): Promise<{ vectors: Float32Array[]; tokens?: number[] }>;
  /** A URL to drive over HTTP: gguf starts an `embedgate serve` of its own, http is used where it is. */
  serveHttp?(params: HttpServeParams): Promise<HttpEndpoint>;
  /** The processes that are the target on this machine, to sample or signal. */
  processes?(): TargetProcesses;
  /** Another copy of the same model in a process of its own, with its own settings; closing it leaves this one alone. */
  openCopy?(settings: CopySettings): Promise<Target>;
  /** The in-process throughput of this target's own engine, with no HTTP in the way (not the machine's limit: another engine may be faster). */
  measureCeiling?(texts: readonly string[], opts: CeilingOptions): Promise<CeilingResult>;
  /** Stops the target's process and starts it again; resolves once it embeds again. */
  restart?(): Promise<void>;
  /** The k documents of the target's own index nearest to a raw query (the target adds its query prefix), best first. */
  search?(query: string, k: number): Promise<SearchHit[]>;
  /** Runs one load phase over the target's own protocol (mcp: tool calls), accounted and checked as runPhase does over HTTP. */
  drivePhase?(spec: PhaseSpec, settings: DriveSettings): Promise<PhaseResult>;
}

/** One hit of a target's own search: a document id of its index and its score. */
export interface SearchHit {
  id: string;
  score: number;
}

/** How drivePhase holds its sessions: one per virtual user for the whole suite, or a new one per call. */
export interface DriveSettings {
  session: 'per-user' | 'per-call';
}

/** What most kinds need: a model and a way to embed. */
export type EmbeddingTarget = Target & Required<Pick<Target, 'info' | 'embed'>>;

export type Capability = Exclude<keyof Target, 'describe' | 'close'>;

/** How a server a target starts for HTTP is set up. Settings reach the server through its arguments and environment. */
export interface HttpServeParams {
  /** Texts queued or running before 503. */
  queue?: number;
  cacheMb?: number;
  /** Inputs longer than the context: error (400) or truncate. Default truncate. */
  overflow?: 'error' | 'truncate';
  /** Have the heap probe run a full GC this often and record memory after it. */
  gcEveryMs?: number;
  /** More `embedgate serve` options for a server the target starts (fault suites: --fault-injection, --max-crashes N). */
  serveArgs?: readonly string[];
  /** Serve this .gguf file instead of the target's own (a fault suite serves a copy it may damage); same model, same settings. */
  modelPath?: string;
  onLog?: (line: string) => void;
}

export interface HttpEndpoint {
  /** Base URL, without /v1. */
  url: string;
  /** The model field of request bodies. */
  modelId: string;
  processes: TargetProcesses;
  /** Present when the target started a server of its own for this endpoint. */
  server?: DedicatedServer;
  /** Stops the server the target started, if it started one. */
  close(): Promise<void>;
}

/** A server started for one endpoint, whose life the harness sees. */
export interface DedicatedServer {
  readonly pid: number;
  /** Spawn to the first /health 200, in ms. */
  readonly coldStartMs: number;
  readonly alive: boolean;
  /** Lines saying the server or its worker went down (exit, worker restart, circuit open). */
  crashes(): string[];
  /** Evidence of running out of memory: a SIGKILL the harness did not send, OOM lines. */
  oomEvidence(): string[];
}

export interface TargetProcesses {
  /** Roots of the process trees that are the target; empty when none runs on this machine. */
  pids: number[];
  /** Where the heap probe in those processes writes, when it runs there. */
  heapProbeDir?: string;
  /** Why there are no pids, in words for a report. */
  unavailable?: string;
  /** How the target's process ended (signal or exit code and its telling line), once it has. */
  exit?: string;
}

/** Settings for openCopy: each copy gets its own, through its own process environment. */
export interface CopySettings {
  /** Preload the heap probe into the copy's process, writing to this directory. */
  heapProbe?: { dir: string; gcEveryMs?: number };
  overflow?: 'error' | 'truncate';
  onLog?: (line: string) => void;
}

/** What measureCeiling found (harness/targets/gguf/ceiling.ts says how). */
export interface CeilingResult {
  sequentialRps: number;
  /** The best way of calling, measured again after it was chosen. */
  ceilingRps: number;
  /** What the best way of calling measured when it was chosen (biased upwards: kept for the report). */
  selectedRps: number;
  /** The best way of calling found: calls in flight × texts per call. */
  concurrency: number;
  batch: number;
  /** Every configuration tried, texts per second. */
  tried: { concurrency: number; batch: number; rps: number }[];
  contexts: number;
  threads: number;
  /** The engine measured, e.g. `node-llama-cpp 3.21.1 (llama.cpp b6000) in process, 4 context(s) × 1 thread(s)`: its limit, not the machine's. */
  engine: string;
  /** Embeddings done while measuring (both parts). */
  embeddings: number;
}

export interface CeilingOptions {
  durationMs: number;
  warmup?: number;
  signal?: AbortSignal;
  /** Where in `texts` the warm-up, sequential and search runs start. Default 0. */
  searchFrom?: number;
  /**
   * Where the reported figure's run starts: give it the closed phase's first text, so the server
   * and the ceiling are measured on the same texts (a window of a few hundred texts differs from
   * the next in mean length by a few per cent, as much as the check's margin). Default: after the search.
   */
  confirmFrom?: number;
  /** How long the reported figure's run lasts; give it the closed phase's length. Default durationMs. */
  confirmMs?: number;
}

const ABILITY: Record<Capability, string> = {
  info: 'give model facts',
  embed: 'embed texts',
  embedDetailed: 'count tokens per text',
  serveHttp: 'give a URL to drive over HTTP',
  processes: 'name its processes on this machine',
  openCopy: 'open a copy of its model in a process of its own',
  measureCeiling: 'measure an in-process ceiling',
  restart: 'restart',
  search: 'search its own index',
  drivePhase: 'drive a load phase over its own protocol',
};

/** A runner needs a capability the target lacks. */
export class MissingCapabilityError extends Error {
  override readonly name = 'MissingCapabilityError';
}

export function has<K extends Capability>(target: Target, capability: K): target is Target & Required<Pick<Target, K>> {
  return typeof target[capability] === 'function';
}

/**
 * The target, typed with the capabilities `who` needs, or an error naming the target and what it
 * cannot do. `who` says what needs them, e.g. `load suite "gate3-load"`.
 */
export function need<K extends Capability>(target: Target, who: string, ...capabilities: K[]): Target & Required<Pick<Target, K>> {
  const missing = capabilities.filter((c) => !has(target, c));
  if (missing.length > 0) {
    const d = target.describe();
    throw new MissingCapabilityError(`${who} needs a target that can ${missing.map((c) => ABILITY[c]).join(' and ')}; ${d.ref} (${d.kind} target) cannot`);
  }
  return target as Target & Required<Pick<Target, K>>;
}

/** How reports name a target: its description, with its model facts when it has a model. */
export function describeWithModel(target: Target): TargetDescription {
  return target.info ? { ...target.describe(), model: target.info() } : target.describe();
}
