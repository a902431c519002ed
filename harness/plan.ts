// The resolved, validated plan a run executes. Built by harness/config from YAML; runners read it.
import type { SourcePosition } from './result.ts';
import type { CheckExpression } from './gates/expression.ts';

/**
 * Which system a suite drives. `name` is a model name from suites/models.yaml, a .gguf path, or a
 * URL; for `swarm` (kind swarm only) the simulation runs alone, with no embedder.
 */
export interface TargetRef {
  type: 'gguf' | 'http' | 'mcp' | 'swarm';
  name: string;
  position?: SourcePosition;
  /** For gguf targets: the model the name resolved to at load time (harness/config/models.ts). */
  model?: ResolvedModel;
  /** For http targets: the URL and what the suite says about the model behind it. */
  http?: HttpTargetSpec;
  /** For mcp targets: how to reach the MCP server and which of its tools embed and search. */
  mcp?: McpTargetSpec;
}

/**
 * `target: { mcp: { command: [argv…] | url: URL, tools?, model?, queryPrefix?, documentPrefix?, cwd?, callTimeout? } }`:
 * an MCP server started as a child over stdio, or reached over Streamable HTTP on loopback
 * (harness/targets/mcp/).
 */
export interface McpTargetSpec {
  transport: { type: 'stdio'; command: string[]; cwd: string } | { type: 'http'; url: string };
  tools: McpToolMapping;
  /** `model:` resolved: fills `{model}` in the command, and gives the prefixes unless the suite sets them. */
  model?: ResolvedModel;
  queryPrefix?: string;
  documentPrefix?: string;
  /** Per tool call. */
  callTimeoutMs: number;
}

/** Which tools and arguments embed and search, and dotted paths into their results (docs/mcp.md). */
export interface McpToolMapping {
  embed: { name: string; texts: string; result: string };
  search: { name: string; query: string; k: string; results: string; id: string; score: string };
}

/** `target: { http: URL, model?, apiKeyEnv?, queryPrefix?, documentPrefix? }` in a suite. */
export interface HttpTargetSpec {
  /** Base URL, e.g. http://127.0.0.1:8080 (…/v1 is added when missing). */
  url: string;
  /** Model id sent with each request; default: the first id the server's /v1/models lists. */
  model?: string;
  /** Name of the environment variable holding the API key (sent as Authorization: Bearer). */
  apiKeyEnv?: string;
  queryPrefix?: string;
  documentPrefix?: string;
}

/**
 * A load suite's `reference:` server, driven beside the target in the same run (A B R A B R):
 * any OpenAI-compatible URL, or a command the harness starts on 127.0.0.1 and stops at the end
 * (harness/targets/reference/). Its metrics are the `reference.` scope of checks.
 */
export type ReferenceSpec =
  | { type: 'http'; http: HttpTargetSpec; position?: SourcePosition }
  | {
      type: 'command';
      /** argv; `{model}` is the target's GGUF file, `{port}` the port the harness chose (or `port`). */
      command: string[];
      /** Fixed port, when the command cannot be told one; default: a free loopback port, given as {port}. */
      port?: number;
      /** Path polled until it answers 200. */
      ready: string;
      readyTimeoutMs: number;
      model?: string;
      queryPrefix?: string;
      documentPrefix?: string;
      position?: SourcePosition;
    };

export interface PlannedCheck {
  source: string;
  expression: CheckExpression;
  position: SourcePosition;
  /** Added by the harness (a default check), not written in the suite. */
  implicit?: boolean;
  /** Set for a check over windows: judged on each window as it closes, not once at the end. */
  window?: WindowRule;
}

/** How a check over windows is judged (the mapping form of a check; see docs/checks.md). */
export interface WindowRule {
  /** Only the last N windows count for the final status; absent: every window counts. */
  last?: number;
  /** Fewer judged windows than this leaves the check inconclusive (default 1). */
  minWindows: number;
  /** A failing window stops the suite at once, and the suite fails. */
  abortOnFail: boolean;
  /** Windows that end before this many ms after the suite started never stop it (k6: delayAbortEval). */
  abortGraceMs: number;
}

export interface SuitePlan {
  name: string;
  kind: string;
  /** Absolute path of the YAML file. */
  file: string;
  fileSha256: string;
  target: TargetRef;
  compare?: TargetRef;
  /** Load suites: a reference server measured beside the target (the `reference.` scope). */
  reference?: ReferenceSpec;
  /** Kind-specific parameters, already validated against the kind's schema (the block named after the kind). */
  params: Record<string, unknown>;
  checks: PlannedCheck[];
  /** Overall time limit for the suite in ms. */
  timeoutMs: number;
  /** `--shard i/n`: this process runs shard `index` of `count` (harness/shard/); its params are already this shard's share. `dir`: the shard's run directory, where a retrieval shard writes its vectors. */
  shard?: { index: number; count: number; dir?: string };
}

export interface GatePlan {
  number: number;
  title: string;
  file: string;
  fileSha256: string;
  needs: string[];
  suites: SuitePlan[];
}

/** A model name resolved to a file, with the prefixes its authors ask for. See harness/config/models.ts. */
export interface ResolvedModel {
  name: string;
  path: string;
  queryPrefix: string;
  documentPrefix: string;
  /** Set when the path is a fixture model the harness generates on first use. */
  fixture?: string;
  /** sha256 the file must have, from a manifest, when one is known. */
  expectedSha256?: string;
  /** Where the path came from, for messages: "suites/models.yaml", "EMBEDGATE_CANDIDATE", "--model". */
  source: string;
}
