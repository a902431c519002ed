// The mcp target: any MCP server with a tool that embeds (and, optionally, one that searches its
// own index), started as a child over stdio or reached at a loopback URL over Streamable HTTP,
// through the official SDK client. The suite's tool mapping says which tools and arguments, and
// where the vectors and hits are in the results (harness/mcp/client/mapping.ts). Opening it lists
// the server's tools and embeds one probe text, so info() knows the dimensions before a runner
// asks; a server at a URL that is embedgate serve also gives its model facts at /v1/models. Under
// load it drives its own phases: tool calls, one session per virtual user or per call.
import { statSync } from 'node:fs';
import type { PhaseResult, PhaseSpec } from '../../http-client/phase.ts';
import { connectHttp, connectStdio, type McpConnection } from '../../mcp/client/connection.ts';
import { runMcpPhase } from '../../mcp/client/load-phase.ts';
import { embedArguments, hitsOf, payloadOf, searchArguments, vectorsOf, type ToolResult } from '../../mcp/client/mapping.ts';
import { SessionPool } from '../../mcp/client/session-pool.ts';
import type { McpTargetSpec } from '../../plan.ts';
import { pidListeningOn, processEnvironment } from '../../probes/process-memory.ts';
import type { ModelInfo, TargetDescription } from '../../result.ts';
import type { DriveSettings, SearchHit, Target, TargetProcesses } from '../target.ts';
import type { ModelEntry } from '../http/target.ts';

export interface McpTargetOptions {
  /** How the suite named the target, for describe(). */
  ref?: string;
  env?: NodeJS.ProcessEnv;
  onLog?: (line: string) => void;
}

/** The server could not be reached, lacks the mapped tools, or answered in a way no suite can use. */
export class McpTargetError extends Error {
  override readonly name = 'McpTargetError';
}

export class McpTarget implements Target {
  /** Present when the server lists the mapped embed tool. */
  embed?: (texts: string[]) => Promise<Float32Array[]>;
  /** Present when the server lists the mapped search tool. */
  search?: (query: string, k: number) => Promise<SearchHit[]>;
  private modelInfo: ModelInfo | undefined;
  private readonly pool: SessionPool;
  private searchReady: Promise<unknown> | undefined;

  constructor(
    private readonly spec: McpTargetSpec,
    private readonly main: McpConnection & { pid?: number; stderrTail?(): string[]; exit?(): string | undefined },
    tools: ReadonlySet<string>,
    private readonly ref: string,
  ) {
    const t = spec.transport;
    this.pool = t.type === 'http' ? new SessionPool(() => connectHttp(t.url, spec.callTimeoutMs)) : new SessionPool(async () => main, main);
    if (tools.has(spec.tools.embed.name)) this.embed = (texts) => this.embedTexts(texts);
    if (tools.has(spec.tools.search.name)) this.search = (query, k) => this.searchIndex(query, k);
  }

  describe(): TargetDescription {
    return { ref: this.ref, kind: 'mcp', ...(this.modelInfo ? { model: this.modelInfo } : {}), ...(this.spec.transport.type === 'http' ? { url: this.spec.transport.url } : {}) };
  }

  info(): ModelInfo {
    if (!this.modelInfo) throw new McpTargetError(`${this.ref}: model facts asked before the target was opened`);
    return this.modelInfo;
  }

  /** Sets the model facts once the probe has run (openMcpTarget). */
  setInfo(info: ModelInfo): void {
    this.modelInfo = info;
  }

  private async call(tool: string, args: Record<string, unknown>): Promise<ToolResult> {
    try {
      return (await this.main.client.callTool({ name: tool, arguments: args }, undefined, { timeout: this.spec.callTimeoutMs })) as ToolResult;
    } catch (err) {
      const exit = this.main.exit?.();
      const said = this.main.stderrTail?.().filter((l) => l.trim()).slice(-5).join(' | ');
      throw new McpTargetError(`${this.ref}: tool ${tool}: ${(err as Error).message}${exit ? ` (${exit})` : ''}${said ? `; its stderr: ${said}` : ''}`, { cause: err });
    }
  }

  private async embedTexts(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    return this.vectorsFrom(await this.call(this.spec.tools.embed.name, embedArguments(this.spec.tools, texts)), texts);
  }

  /** The vectors of an embed result, checked: one per text, each an array of finite numbers. */
  vectorsFrom(result: ToolResult, texts: readonly string[]): Float32Array[] {
    const vectors = vectorsOf(this.spec.tools, result);
    if (vectors.length !== texts.length) throw new McpTargetError(`${this.ref}: tool ${this.spec.tools.embed.name}: asked for ${texts.length} embeddings, got ${vectors.length}`);
    return vectors.map((v, i) => {
      if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number')) {
        throw new McpTargetError(`${this.ref}: tool ${this.spec.tools.embed.name}: embedding ${i} is not an array of numbers`);
      }
      const out = Float32Array.from(v as number[]);
      // Counted by vector hygiene downstream, but a non-finite value from a tool is the server's fault, said here.
      const bad = out.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new McpTargetError(`${this.ref}: tool ${this.spec.tools.embed.name}: embedding ${i} has a non-finite value at ${bad}`);
      return out;
    });
  }

  private async searchIndex(query: string, k: number): Promise<SearchHit[]> {
    // A server may answer before its index is built: the first search waits for it (a load that never searches never waits).
    this.searchReady ??= probeUntilReady(this.main, this.spec.tools.search.name, searchArguments(this.spec.tools, 'embedgate probe', 1), this.spec.callTimeoutMs, this.ref);
    await this.searchReady;
    return hitsOf(this.spec.tools, await this.call(this.spec.tools.search.name, searchArguments(this.spec.tools, query, k)));
  }

  /** The stdio child, or the process listening on the URL's port when it is this user's. */
  processes(): TargetProcesses {
    const t = this.spec.transport;
    if (t.type === 'stdio') {
      const exit = this.main.exit?.();
      return { pids: this.main.pid !== undefined ? [this.main.pid] : [], ...(exit ? { exit } : {}) };
    }
    const u = new URL(t.url);
    const pid = pidListeningOn(Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
    if (pid === undefined) return { pids: [], unavailable: `no process of this user listens on ${u.host}: its memory cannot be read` };
    const dir = processEnvironment(pid)?.EMBEDGATE_HEAP_PROBE_DIR;
    return { pids: [pid], ...(dir ? { heapProbeDir: dir } : {}) };
  }

  async drivePhase(spec: PhaseSpec, settings: DriveSettings): Promise<PhaseResult> {
    if (!this.embed) throw new McpTargetError(`${this.ref}: a load phase calls the embed tool ${this.spec.tools.embed.name}, which the server does not list`);
    if (spec.name === 'overload') {
      throw new McpTargetError(`${this.ref}: the overload phase measures 503 + Retry-After refusals of an HTTP server; through MCP there is no such refusal to judge (drop overload from phases:)`);
    }
    const t = this.spec.transport;
    return runMcpPhase(spec, {
      mapping: this.spec.tools,
      session: settings.session,
      pool: this.pool,
      ...(t.type === 'http' ? { openSession: () => connectHttp(t.url, this.spec.callTimeoutMs) } : {}),
    });
  }

  async close(): Promise<void> {
    await this.pool.closeAll();
    await this.main.close();
  }
}

/** /v1/models of the server behind an MCP URL, when it is embedgate serve (or says the same); [] otherwise. */
async function modelsBeside(url: string): Promise<ModelEntry[]> {
  try {
    const response = await fetch(new URL('/v1/models', url), { signal: AbortSignal.timeout(3000) });
    if (!response.ok) return [];
    const data = ((await response.json()) as { data?: unknown }).data;
    return Array.isArray(data) ? (data.filter((e) => typeof (e as ModelEntry)?.id === 'string') as ModelEntry[]) : [];
  } catch {
    return [];
  }
}

/** How long a server may answer the probe with a tool error (embedgate serve: "the model is still loading") before it counts as broken. */
const READY_TIMEOUT_MS = 120_000;

/** A probe call, repeated while the tool answers isError (a server that initializes before its model is loaded or its index built). */
async function probeUntilReady(main: McpConnection, tool: string, args: Record<string, unknown>, timeoutMs: number, ref: string): Promise<ToolResult> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (let wait = 100; ; wait = Math.min(1000, wait * 2)) {
    const result = (await main.client.callTool({ name: tool, arguments: args }, undefined, { timeout: timeoutMs })) as ToolResult;
    if (!result.isError) return result;
    if (performance.now() + wait > deadline) {
      try {
        payloadOf(tool, result);
      } catch (err) {
        throw new McpTargetError(`${ref}: the probe call of ${tool} still failed after ${READY_TIMEOUT_MS / 1000} s: ${(err as Error).message}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

export async function openMcpTarget(spec: McpTargetSpec, opts: McpTargetOptions = {}): Promise<McpTarget> {
  const t = spec.transport;
  const ref = opts.ref ?? `mcp:${t.type === 'http' ? t.url : t.command.join(' ')}`;
  const main =
    t.type === 'http'
      ? await connectHttp(t.url, spec.callTimeoutMs)
      : await connectStdio({
          command: t.command.map((a) => (spec.model ? a.replaceAll('{model}', spec.model.path) : a)),
          cwd: t.cwd,
          env: opts.env ?? process.env,
          timeoutMs: spec.callTimeoutMs,
          ...(opts.onLog ? { onLog: opts.onLog } : {}),
        });
  try {
    const listed = await main.client.listTools(undefined, { timeout: spec.callTimeoutMs });
    const tools = new Set(listed.tools.map((tool) => tool.name));
    const { embed, search } = spec.tools;
    if (!tools.has(embed.name) && !tools.has(search.name)) {
      throw new McpTargetError(
        `${ref}: the server lists neither an embed tool "${embed.name}" nor a search tool "${search.name}"; it has ${[...tools].join(', ') || 'no tools'}: map yours with tools: { embed: { name: … }, search: { name: … } }`,
      );
    }
    const target = new McpTarget(spec, main, tools, ref);
    const entries = t.type === 'http' ? await modelsBeside(t.url) : [];
    let dimensions = 0;
    let served: string | undefined;
    if (target.embed) {
      const texts = ['embedgate probe'];
      const result = await probeUntilReady(main, embed.name, embedArguments(spec.tools, texts), spec.callTimeoutMs, ref);
      // The served model's name, when the result says it (embedgate serve's does, beside the vectors).
      const model = (payloadOf(embed.name, result) as { model?: unknown } | null)?.model;
      served = typeof model === 'string' ? model : undefined;
      dimensions = target.vectorsFrom(result, texts)[0]!.length;
    }
    const entry = entries.find((e) => e.id === served) ?? entries[0];
    const file = spec.model?.path;
    const info: ModelInfo = {
      name: served ?? entry?.id ?? spec.model?.name ?? main.client.getServerVersion()?.name ?? 'unknown',
      path: file ?? (t.type === 'http' ? t.url : t.command.join(' ')),
      sha256: entry?.sha256 ?? spec.model?.expectedSha256 ?? 'unknown',
      fileSize: entry?.file_size ?? (file ? statSync(file, { throwIfNoEntry: false })?.size ?? 0 : 0),
      architecture: entry?.architecture ?? 'unknown',
      dimensions: entry?.dimensions ?? dimensions,
      pooling: entry?.pooling ?? 'unknown',
      contextLength: entry?.context_length ?? 0,
      ...(entry?.quantization ? { quantization: entry.quantization } : {}),
      queryPrefix: spec.queryPrefix ?? spec.model?.queryPrefix ?? '',
      documentPrefix: spec.documentPrefix ?? spec.model?.documentPrefix ?? '',
    };
    if (dimensions > 0 && info.dimensions !== dimensions) {
      throw new McpTargetError(`${ref}: /v1/models says ${info.dimensions} dimensions, the embed tool answered ${dimensions}`);
    }
    target.setInfo(info);
    return target;
  } catch (err) {
    await main.close().catch(() => undefined);
    throw err;
  }
}
