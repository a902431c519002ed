// Opens each distinct target of a run once and shares it between suites, so a model loads
// once per run; a target that failed to open fails every suite that names it, with the same reason.
import { resolveModel } from '../config/models.ts';
import { ensureFixtureModels } from '../gguf/fixtures/ensure.ts';
import type { ResolvedModel, TargetRef } from '../plan.ts';
import { openGgufTarget } from './gguf/target.ts';
import { openHttpTarget } from './http/target.ts';
import { SimulationOnlyTarget } from './swarm/target.ts';
import type { EmbeddingTarget, Target } from './target.ts';

export interface TargetOptions {
  /** `--model name=path` overrides. */
  overrides?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  onLog?: (message: string) => void;
}

export class TargetPool {
  private readonly opened = new Map<string, Promise<Target>>();

  constructor(private readonly options: TargetOptions = {}) {}

  /** A gguf or http target embeds and has a model; the simulated swarm has neither. */
  get(ref: TargetRef & { type: 'gguf' | 'http' | 'mcp' }): Promise<EmbeddingTarget>;
  get(ref: TargetRef): Promise<Target>;
  get(ref: TargetRef): Promise<Target> {
    // Two http targets at one URL may name different models or prefixes: they are different targets.
    const key =
      ref.type === 'http' ? `http:${JSON.stringify(ref.http ?? { url: ref.name })}` : ref.type === 'mcp' ? `mcp:${JSON.stringify(ref.mcp ?? ref.name)}` : `${ref.type}:${ref.name}`;
    let target = this.opened.get(key);
    if (!target) {
      target = this.open(ref);
      // Keep the rejection observed here; each caller still sees it when awaiting.
      target.catch(() => undefined);
      this.opened.set(key, target);
    }
    return target;
  }

  private async open(ref: TargetRef): Promise<Target> {
    if (ref.type === 'swarm') return new SimulationOnlyTarget(ref.name);
    if (ref.type === 'http') {
      return openHttpTarget(ref.http ?? { url: ref.name }, { ref: `http:${ref.name}`, env: this.options.env ?? process.env });
    }
    if (ref.type === 'mcp') {
      if (!ref.mcp) throw new Error(`mcp target ${ref.name}: no mcp: block (the suite loader builds it)`);
      const model = ref.mcp.model ? await this.resolve(ref.mcp.model.name, ref.mcp.model) : undefined;
      const { openMcpTarget } = await import('./mcp/target.ts');
      return openMcpTarget({ ...ref.mcp, ...(model ? { model } : {}) }, { ref: `mcp:${ref.name}`, env: this.options.env ?? process.env, ...(this.options.onLog ? { onLog: this.options.onLog } : {}) });
    }
    const model = await this.resolve(ref.name, ref.model);
    return openGgufTarget(model, { onLog: this.options.onLog });
  }

  /** Resolves a model name (unless the suite loader already did) and builds its fixture if needed. */
  async resolve(name: string, resolved?: ResolvedModel): Promise<ResolvedModel> {
    const model = resolved ?? resolveModel(name, { overrides: this.options.overrides ?? {}, env: this.options.env ?? process.env });
    if (model.fixture) {
      const built = await ensureFixtureModels({ onLog: this.options.onLog });
      const fixture = built[model.fixture];
      if (!fixture) throw new Error(`model "${name}" names fixture "${model.fixture}", which the fixture builder does not make`);
      return { ...model, path: fixture.path, expectedSha256: fixture.sha256 };
    }
    return model;
  }

  async closeAll(): Promise<void> {
    const targets = await Promise.allSettled(this.opened.values());
    await Promise.allSettled(
      targets.flatMap((t) => (t.status === 'fulfilled' ? [t.value.close()] : [])),
    );
    this.opened.clear();
  }
}
