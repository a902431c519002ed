// `--target-url candidate=http://host:8080`: in a sharded run, the load suites that name model
// `candidate` as a gguf target drive that server instead, with the model's prefixes from
// suites/models.yaml. The shards then share one server, which is the point of sharding the load;
// suites that run whole on shard 0 keep their gguf targets.
import { UsageError } from '../commands/options.ts';
import type { SuitePlan, TargetRef } from '../plan.ts';
import { SHARDED_KINDS } from './split.ts';

export function parseTargetUrls(values: readonly string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    const url = value.slice(eq + 1);
    if (eq <= 0 || !/^https?:\/\/[^/\s]+/.test(url)) throw new UsageError(`--target-url expects <model name>=<http URL>, e.g. candidate=http://10.0.0.5:8080, got "${value}"`);
    out.set(value.slice(0, eq), url);
  }
  return out;
}

function rewrite(ref: TargetRef | undefined, urls: ReadonlyMap<string, string>, used: Set<string>): TargetRef | undefined {
  if (!ref || ref.type !== 'gguf') return ref;
  const url = urls.get(ref.name);
  if (url === undefined) return ref;
  used.add(ref.name);
  return {
    type: 'http',
    name: url,
    ...(ref.position ? { position: ref.position } : {}),
    http: { url, ...(ref.model ? { queryPrefix: ref.model.queryPrefix, documentPrefix: ref.model.documentPrefix } : {}) },
  };
}

/** The plans with every matching gguf target of a load suite pointed at its URL; a name no suite uses is an error. */
export function applyTargetUrls(suites: readonly SuitePlan[], urls: ReadonlyMap<string, string>): SuitePlan[] {
  if (urls.size === 0) return [...suites];
  const used = new Set<string>();
  const out = suites.map((plan) => {
    if (!(SHARDED_KINDS as readonly string[]).includes(plan.kind)) return plan;
    const target = rewrite(plan.target, urls, used)!;
    const compare = rewrite(plan.compare, urls, used);
    return { ...plan, target, ...(compare ? { compare } : {}) };
  });
  const unused = [...urls.keys()].filter((n) => !used.has(n));
  if (unused.length) throw new UsageError(`--target-url ${unused.join(', ')}: no load suite names ${unused.length === 1 ? 'this model' : 'these models'} as a gguf target or compare (${suites.filter((s) => (SHARDED_KINDS as readonly string[]).includes(s.kind)).map((s) => `${s.name}: ${s.target.name}${s.compare ? `, ${s.compare.name}` : ''}`).join('; ') || 'no load suites'})`);
  return out;
}
