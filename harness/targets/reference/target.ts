// The reference target of a load suite: an OpenAI-compatible server measured beside the target
// (e.g. llama.cpp's llama-server on the same GGUF file), so a gate can say how close the target
// comes to another engine on the same machine rather than only to its own in-process ceiling.
// An http reference is used where it is; a command reference is started here (command.ts) and
// stopped when the target closes. Either way it is an http target underneath, with the suite
// target's prefixes unless the reference names its own.
import { basename } from 'node:path';
import type { ReferenceSpec } from '../../plan.ts';
import type { ModelInfo, TargetDescription } from '../../result.ts';
import { openHttpTarget, type HttpTarget } from '../http/target.ts';
import type { HttpEndpoint, Target, TargetProcesses } from '../target.ts';
import { ReferenceProcess } from './command.ts';

export interface ReferenceContext {
  /** The suite's target: its GGUF file fills {model}, its prefixes are the default. */
  target: Target;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export class ReferenceTarget implements Target {
  constructor(
    private readonly http: HttpTarget,
    /** What the reference is, for reports: the command line, or the URL. */
    readonly engine: string,
    private readonly process?: ReferenceProcess,
  ) {}

  describe(): TargetDescription {
    return { ref: `reference:${this.process ? basename(this.process.argv[0]!) : this.http.url}`, kind: this.process ? 'command' : 'http', model: this.http.info(), url: this.process?.url ?? this.http.url };
  }

  info(): ModelInfo {
    return this.http.info();
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return this.http.embed(texts);
  }

  async serveHttp(): Promise<HttpEndpoint> {
    const endpoint = await this.http.serveHttp();
    if (!this.process) return endpoint;
    return { ...endpoint, processes: this.processes(), server: this.process, close: async () => {} };
  }

  processes(): TargetProcesses {
    if (!this.process) return this.http.processes();
    return this.process.alive ? { pids: [this.process.pid] } : { pids: [], unavailable: 'the reference server has exited' };
  }

  async close(): Promise<void> {
    await this.process?.stop();
  }
}

/** Opens (and for a command, starts) the suite's reference; a failure leaves no process behind. */
export async function openReference(spec: ReferenceSpec, ctx: ReferenceContext): Promise<ReferenceTarget> {
  const own = ctx.target.info?.();
  const prefixes = (s: { queryPrefix?: string; documentPrefix?: string }) => ({
    queryPrefix: s.queryPrefix ?? own?.queryPrefix ?? '',
    documentPrefix: s.documentPrefix ?? own?.documentPrefix ?? '',
  });
  if (spec.type === 'http') {
    const http = await openHttpTarget({ ...spec.http, ...prefixes(spec.http) }, { ref: `reference:${spec.http.url}`, env: ctx.env ?? process.env });
    return new ReferenceTarget(http, spec.http.url);
  }
  const modelPath = ctx.target.describe().kind === 'gguf' ? own?.path : undefined;
  const proc = await ReferenceProcess.start({
    command: spec.command,
    ...(modelPath !== undefined ? { modelPath } : {}),
    ...(spec.port !== undefined ? { port: spec.port } : {}),
    ready: spec.ready,
    readyTimeoutMs: spec.readyTimeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onLog ? { onLog: ctx.onLog } : {}),
  });
  try {
    const http = await openHttpTarget(
      { url: proc.url, ...(spec.model ? { model: spec.model } : {}), ...prefixes(spec) },
      { ref: `reference:${basename(spec.command[0]!)}`, env: ctx.env ?? process.env },
    );
    return new ReferenceTarget(http, proc.argv.join(' '), proc);
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
