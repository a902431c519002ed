// What one shard of a run runs. A load suite is split: this shard gets its floor/ceil share of
// every phase's connections and 1/n of a fixed arrival rate, so the shards together offer what one
// generator would. Shards must drive one server, so a load suite's targets must be http URLs: a
// gguf target would have every shard start a server of its own. A retrieval suite (ranked by the
// harness) splits its corpus instead: each shard embeds its share with its own model worker and
// the merge ranks the union (retrieval-shard.ts). Suites of other kinds cannot be split; they run
// whole on shard 0 alone, and the merge takes their results from it.
import { UsageError } from '../commands/options.ts';
import type { SuitePlan, TargetRef } from '../plan.ts';
import { shareOf, type ShardSpec } from './spec.ts';

/** Kinds whose load is split over shards; the rest run on shard 0 only, or split their corpus. */
export const SHARDED_KINDS = ['load'] as const;

/** A retrieval suite ranked by the harness: each shard embeds its share of the documents and queries. */
export const splitsCorpus = (plan: Pick<SuitePlan, 'kind' | 'params'>): boolean => plan.kind === 'retrieval' && (plan.params as { ranking?: string }).ranking !== 'server';

export interface ShardedPlans {
  suites: SuitePlan[];
  /** Lines for stderr: what this shard runs of each suite. */
  lines: string[];
  /** Suites that run on shard 0 only, by name (the merge takes them from shard 0). */
  wholeOnShard0: string[];
}

const where = (plan: SuitePlan, ref?: TargetRef) => `${plan.file}${ref?.position ? `:${ref.position.line}:${ref.position.col}` : ''}`;

function requireHttp(plan: SuitePlan, key: 'target' | 'compare', ref: TargetRef | undefined): void {
  if (!ref || ref.type === 'http') return;
  throw new UsageError(
    `--shard: suite ${plan.name} (${where(plan, ref)}) has ${key}: { ${ref.type}: ${ref.name} }, which every shard would start as a server of its own; ` +
      `shards must drive one server: start it once (embedgate serve --model ${ref.name} --host 0.0.0.0) and give its URL as ${key}: { http: http://HOST:PORT }`,
  );
}

function part(plan: SuitePlan, what: string, total: number, spec: ShardSpec): number {
  const n = shareOf(total, spec.index, spec.count);
  if (n < 1) throw new UsageError(`--shard ${spec.index}/${spec.count}: suite ${plan.name} (${plan.file}) has ${what}: ${total}, too few to give each of ${spec.count} shards one; use at most ${total} shards`);
  return n;
}

/** This shard's share of a load suite: a copy of the plan with its params split. */
function splitLoad(plan: SuitePlan, spec: ShardSpec): { plan: SuitePlan; line: string } {
  requireHttp(plan, 'target', plan.target);
  requireHttp(plan, 'compare', plan.compare);
  if (plan.reference?.type === 'command') {
    throw new UsageError(`--shard: suite ${plan.name} (${plan.file}) starts its reference server from a command, which every shard would do; give the reference as reference: { http: URL }`);
  }
  const p = structuredClone(plan.params) as { connections: number; open: { rate?: number; connections: number }; overload: { connections: number } };
  p.connections = part(plan, 'load.connections', p.connections, spec);
  p.open.connections = part(plan, 'load.open.connections', p.open.connections, spec);
  p.overload.connections = part(plan, 'load.overload.connections', p.overload.connections, spec);
  if (p.open.rate !== undefined) p.open.rate = p.open.rate / spec.count;
  const line =
    `--shard ${spec.index}/${spec.count}: suite ${plan.name} runs ${p.connections} closed connection(s), ${p.open.connections} open, ${p.overload.connections} overload` +
    (p.open.rate !== undefined ? `, open rate ${p.open.rate.toFixed(2)}/s` : '') +
    (spec.index > 0 ? '; the sequential phase (one connection) runs on shard 0, this shard waits as long' : '');
  return { plan: { ...plan, params: p as unknown as Record<string, unknown>, shard: { index: spec.index, count: spec.count } }, line };
}

export function shardPlans(suites: readonly SuitePlan[], spec: ShardSpec): ShardedPlans {
  const out: ShardedPlans = { suites: [], lines: [], wholeOnShard0: [] };
  for (const plan of suites) {
    if ((SHARDED_KINDS as readonly string[]).includes(plan.kind)) {
      const split = splitLoad(plan, spec);
      out.suites.push(split.plan);
      out.lines.push(split.line);
      continue;
    }
    if (splitsCorpus(plan)) {
      out.suites.push({ ...plan, shard: { index: spec.index, count: spec.count } });
      out.lines.push(`--shard ${spec.index}/${spec.count}: suite ${plan.name} (retrieval) embeds documents and queries k with k mod ${spec.count} = ${spec.index}; embedgate merge ranks and scores the union`);
      continue;
    }
    out.wholeOnShard0.push(plan.name);
    if (spec.index === 0) {
      out.suites.push(plan);
      out.lines.push(`--shard 0/${spec.count}: suite ${plan.name} (${plan.kind}) cannot be split; it runs whole on this shard`);
    } else {
      out.lines.push(`--shard ${spec.index}/${spec.count}: suite ${plan.name} (${plan.kind}) cannot be split; it runs on shard 0 only`);
    }
  }
  return out;
}
