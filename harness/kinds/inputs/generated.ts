// Bodies generated with fast-check from a seed: mostly request-shaped objects whose fields are
// each right or wrong in many ways, plus arbitrary JSON and raw text. An oracle written from the
// OpenAI request (not from any server's code) says what each deserves. The same seed gives the
// same bodies, and a failing body is reported with the seed and its index, so it replays.
import fc from 'fast-check';
import { rawRequest, type Expectation, type InputCase } from './case.ts';

export interface GeneratedEnv {
  modelId: string;
  dimensions: number;
  maxInputs: number;
}

const OMIT = Symbol('omit');
type Field = unknown | typeof OMIT;

function text(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

function requestObject(env: GeneratedEnv): fc.Arbitrary<Record<string, Field>> {
  const omit = fc.constant<typeof OMIT>(OMIT);
  return fc.record({
    model: fc.oneof({ weight: 5, arbitrary: fc.constant(env.modelId) }, { weight: 3, arbitrary: omit }, fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null)),
    input: fc.oneof(
      { weight: 4, arbitrary: text() },
      { weight: 4, arbitrary: fc.array(text(), { maxLength: 4 }) },
      fc.array(fc.oneof(text(), fc.integer(), fc.constant(null), fc.boolean()), { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 4 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      omit,
      fc.object({ maxDepth: 1, maxKeys: 2 }),
    ),
    encoding_format: fc.oneof({ weight: 4, arbitrary: omit }, fc.constant('float'), fc.constant('base64'), fc.string({ maxLength: 8 }), fc.integer()),
    dimensions: fc.oneof({ weight: 4, arbitrary: omit }, fc.integer({ min: 1, max: env.dimensions }), fc.integer(), fc.double(), fc.string({ maxLength: 4 })),
    user: fc.oneof({ weight: 4, arbitrary: omit }, fc.string({ maxLength: 8 })),
  });
}

const loneSurrogate = (s: string) => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
const odd = (s: string) => loneSurrogate(s) || s.includes('\u0000');

/** What a body deserves, from the OpenAI request: the faults found, or the texts to embed. */
export function oracle(body: unknown, env: GeneratedEnv): { expect: Expectation; inputs?: string[]; dimensions?: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { expect: { kind: 'reject' } };
  const b = body as Record<string, unknown>;
  const faults: string[] = [];
  let oddInput = false;
  if ('model' in b && b['model'] !== env.modelId) faults.push('model');
  const input = b['input'];
  let texts: string[] | undefined;
  if (typeof input === 'string') {
    if (input === '') faults.push('input');
    else texts = [input];
  } else if (Array.isArray(input)) {
    if (input.length === 0 || input.length > env.maxInputs) faults.push('input');
    else if (input.every((x) => Number.isInteger(x))) oddInput = true; // token ids: OpenAI takes them, a text-only server may not
    else {
      const bad = input.findIndex((x) => typeof x !== 'string' || x === '');
      if (bad >= 0) faults.push(`input[${bad}]`);
      else texts = input as string[];
    }
  } else faults.push('input');
  if (texts?.some(odd)) oddInput = true;
  const format = b['encoding_format'];
  if (format !== undefined && format !== 'float' && format !== 'base64') faults.push('encoding_format');
  const dims = b['dimensions'];
  if (dims !== undefined && !(typeof dims === 'number' && Number.isInteger(dims) && dims >= 1 && dims <= env.dimensions)) faults.push('dimensions');
  // An odd input (token ids, lone surrogates, NUL) beside a real fault: refusing either is right.
  if (faults.length > 0) return { expect: { kind: 'reject', param: oddInput ? [...faults, 'input'] : faults } };
  const expected = typeof dims === 'number' ? { dimensions: dims } : {};
  if (oddInput) return { expect: { kind: 'either', param: 'input' }, ...(texts ? { inputs: texts } : {}), ...expected };
  return { expect: { kind: 'accept' }, inputs: texts!, ...expected };
}

type Generated = { kind: 'object'; value: Record<string, Field> } | { kind: 'json'; value: unknown } | { kind: 'raw'; value: string };

export function generatedCases(env: GeneratedEnv, seed: number, count: number): InputCase[] {
  if (count === 0) return [];
  const arb: fc.Arbitrary<Generated> = fc.oneof(
    { weight: 8, arbitrary: requestObject(env).map((value) => ({ kind: 'object' as const, value })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((value) => ({ kind: 'raw' as const, value })) },
  );
  return fc.sample(arb, { seed, numRuns: count }).map((g, index) => {
    const value = g.kind === 'object' ? Object.fromEntries(Object.entries(g.value).filter(([, v]) => v !== OMIT)) : g.value;
    let bodyText: string;
    let parsed: unknown;
    if (g.kind === 'raw') {
      bodyText = g.value;
      try {
        parsed = JSON.parse(bodyText);
      } catch {
        parsed = Symbol('not json');
      }
    } else {
      bodyText = JSON.stringify(value) ?? 'null';
      parsed = JSON.parse(bodyText); // what the server will see (-0 → 0, NaN → null)
    }
    const o = oracle(parsed, env);
    return {
      group: 'generated' as const,
      name: `generated-${index}`,
      what: `generated body #${index} (seed ${seed}): ${bodyText.length > 120 ? `${bodyText.slice(0, 120)}…` : bodyText}`,
      request: rawRequest(bodyText),
      expect: o.expect,
      ...(o.inputs ? { inputs: o.inputs } : {}),
      ...(o.dimensions !== undefined ? { dimensions: o.dimensions } : {}),
      replay: { seed, index },
    };
  });
}
