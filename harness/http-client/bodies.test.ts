import { describe, expect, it } from 'vitest';
import type { TextItem } from '../texts.ts';
import { buildBodies, inputsOfBodyAt } from './bodies.ts';

const items: TextItem[] = Array.from({ length: 500 }, (_, i) => ({ id: String(i), role: i % 2 ? 'document' : 'query', text: `text number ${i}` }));
const opts = { count: 2000, repeatShare: 0.25, hotSet: 16, model: 'm', queryPrefix: 'q: ', documentPrefix: 'd: ', seed: 7 };

describe('request bodies', () => {
  it('repeats about the configured share, from a small hot set, with the model prefixes', () => {
    const b = buildBodies(items, opts);
    expect(b.bodies).toHaveLength(2000);
    expect(b.repeatShare).toBeGreaterThan(0.2);
    expect(b.repeatShare).toBeLessThan(0.3);
    const inputs = b.bodies.map((s) => (JSON.parse(s) as { input: string }).input);
    expect(inputs.every((t) => t.startsWith('q: text') || t.startsWith('d: text'))).toBe(true);
    const counts = new Map<string, number>();
    for (const t of inputs) counts.set(t, (counts.get(t) ?? 0) + 1);
    const hot = [...counts.values()].filter((c) => c > 10).length;
    expect(hot).toBeLessThanOrEqual(16);
    expect(hot).toBeGreaterThan(8);
  });

  it('is deterministic for a seed and sends no repeats when the share is 0', () => {
    expect(buildBodies(items, opts).bodies).toEqual(buildBodies(items, opts).bodies);
    const none = buildBodies(items, { ...opts, count: 400, repeatShare: 0 });
    expect(new Set(none.inputs).size).toBe(400);
  });

  it('tells the inputs of each body, in order', () => {
    const b = buildBodies(items, { ...opts, count: 50, inputsPerRequest: 3 });
    for (const i of [0, 17, 49]) expect(inputsOfBodyAt(b, i)).toEqual((JSON.parse(b.bodies[i]!) as { input: string[] }).input);
  });
});
