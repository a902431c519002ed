// Reads V8 heap snapshots and compares three of them (baseline, target, final: the three-snapshot
// technique): object groups that grew between each pair are what the process keeps, and the most
// common retainer chain of the largest says who keeps them.
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapGroup {
  /** Constructor name for objects, `(type)` or `(type) name` for others. */
  name: string;
  count: number;
  bytes: number;
}

export interface HeapSummary {
  groups: Map<string, HeapGroup>;
  totalBytes: number;
  nodes: number;
}

export interface Retainer {
  /** Largest growing group. */
  name: string;
  /** Growth from the baseline to the final snapshot. */
  bytes: number;
  count: number;
  /** Most common chain of retainers, nearest first: `Array[elements] ← (object elements)[12] ← …`. */
  retainedBy: string[];
}

function groupName(type: string, name: string): string {
  if (type === 'object' || type === 'native') return name.split(' ')[0] || `(${type})`;
  if (type === 'closure') return `(closure) ${name || 'anonymous'}`;
  return `(${type})`;
}

class Parsed {
  readonly nodeFields: number;
  readonly edgeFields: number;
  readonly types: string[];
  readonly edgeTypes: string[];
  readonly firstEdge: Uint32Array;
  private readonly f: Record<string, number>;
  private readonly e: Record<string, number>;

  constructor(readonly raw: RawSnapshot) {
    const meta = raw.snapshot.meta;
    this.nodeFields = meta.node_fields.length;
    this.edgeFields = meta.edge_fields.length;
    this.types = meta.node_types[0];
    this.edgeTypes = meta.edge_types[0];
    this.f = Object.fromEntries(meta.node_fields.map((n, i) => [n, i]));
    this.e = Object.fromEntries(meta.edge_fields.map((n, i) => [n, i]));
    const n = raw.nodes.length / this.nodeFields;
    this.firstEdge = new Uint32Array(n + 1);
    for (let i = 0, edge = 0; i < n; i++) {
      this.firstEdge[i] = edge;
      edge += raw.nodes[i * this.nodeFields + this.f['edge_count']!]! * this.edgeFields;
    }
    this.firstEdge[n] = raw.edges.length;
  }

  get count(): number {
    return this.raw.nodes.length / this.nodeFields;
  }

  group(i: number): string {
    const base = i * this.nodeFields;
    return groupName(this.types[this.raw.nodes[base + this.f['type']!]!] ?? 'unknown', this.raw.strings[this.raw.nodes[base + this.f['name']!]!] ?? '');
  }

  size(i: number): number {
    return this.raw.nodes[i * this.nodeFields + this.f['self_size']!]!;
  }

  /** Calls fn(from, to, edgeLabel) for every edge. */
  forEachEdge(fn: (from: number, to: number, label: string) => void): void {
    const { edges, strings } = this.raw;
    for (let from = 0; from < this.count; from++) {
      for (let e = this.firstEdge[from]!; e < this.firstEdge[from + 1]!; e += this.edgeFields) {
        const type = this.edgeTypes[edges[e + this.e['type']!]!];
        const nameOrIndex = edges[e + this.e['name_or_index']!]!;
        const label = type === 'element' ? '[…]' : type === 'hidden' ? `[${nameOrIndex}]` : `.${strings[nameOrIndex] ?? nameOrIndex}`;
        if (type === 'weak') continue;
        fn(from, edges[e + this.e['to_node']!]! / this.nodeFields, label);
      }
    }
  }
}

export function readSnapshot(file: string): Parsed {
  return new Parsed(JSON.parse(readFileSync(file, 'utf8')) as RawSnapshot);
}

export function summarise(p: Parsed): HeapSummary {
  const groups = new Map<string, HeapGroup>();
  let total = 0;
  for (let i = 0; i < p.count; i++) {
    const name = p.group(i);
    const size = p.size(i);
    total += size;
    const g = groups.get(name);
    if (g) {
      g.count++;
      g.bytes += size;
    } else groups.set(name, { name, count: 1, bytes: size });
  }
  return { groups, totalBytes: total, nodes: p.count };
}

/** Groups that grew from a to b and again from b to c, largest growth first. */
export function growingGroups(a: HeapSummary, b: HeapSummary, c: HeapSummary): HeapGroup[] {
  const out: HeapGroup[] = [];
  for (const [name, gc] of c.groups) {
    const ga = a.groups.get(name) ?? { count: 0, bytes: 0 };
    const gb = b.groups.get(name) ?? { count: 0, bytes: 0 };
    if (gb.bytes > ga.bytes && gc.bytes > gb.bytes) out.push({ name, count: gc.count - ga.count, bytes: gc.bytes - ga.bytes });
  }
  return out.sort((x, y) => y.bytes - x.bytes);
}

/** The most common retainer chain (up to `depth` hops) of the nodes in group `name`, by bytes held. */
export function retainerChain(p: Parsed, name: string, depth = 4): string[] {
  const parentOf = new Int32Array(p.count).fill(-1);
  const labelOf: string[] = new Array(p.count);
  // One retainer per node (the first non-weak edge seen), enough to name who holds a group.
  p.forEachEdge((from, to, label) => {
    if (parentOf[to] === -1 && from !== to) {
      parentOf[to] = from;
      labelOf[to] = label;
    }
  });
  // Each member carries the bytes that led to it, so the chain follows the bulk, not the count.
  let members = new Map<number, number>();
  for (let i = 0; i < p.count; i++) if (p.group(i) === name) members.set(i, p.size(i));
  const chain: string[] = [];
  for (let hop = 0; hop < depth && members.size > 0; hop++) {
    const votes = new Map<string, { bytes: number; parents: Map<number, number> }>();
    for (const [m, weight] of members) {
      const parent = parentOf[m]!;
      if (parent < 0) continue;
      const key = `${p.group(parent)}${labelOf[m]}`;
      const v = votes.get(key) ?? { bytes: 0, parents: new Map<number, number>() };
      v.bytes += weight;
      v.parents.set(parent, (v.parents.get(parent) ?? 0) + weight);
      votes.set(key, v);
    }
    const best = [...votes.entries()].sort((x, y) => y[1].bytes - x[1].bytes)[0];
    if (!best) break;
    chain.push(best[0]);
    members = best[1].parents;
  }
  return chain;
}

/** Compares three snapshot files; the `top` largest growing groups with who retains them. */
export function analyseSnapshots(files: [string, string, string], top = 3): Retainer[] {
  const parsed = files.map(readSnapshot) as [Parsed, Parsed, Parsed];
  const [a, b, c] = parsed.map(summarise) as [HeapSummary, HeapSummary, HeapSummary];
  return growingGroups(a, b, c)
    .slice(0, top)
    .map((g) => ({ name: g.name, bytes: g.bytes, count: g.count, retainedBy: retainerChain(parsed[2], g.name) }));
}
