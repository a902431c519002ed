// Loads a gate file and every suite it names into a GatePlan, or into all the errors of the gate
// file and of all its suites together.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SUITE_KINDS } from '../kinds/registry.ts';
import type { GatePlan, SuitePlan } from '../plan.ts';
import { sortConfigErrors, type ConfigError, type LoadResult } from './errors.ts';
import { buildGateSchema } from './schema.ts';
import { loadSuite, type LoadContext } from './suite.ts';
import { validateAgainstSchema } from './validate.ts';
import { positionOf, readYamlMapping } from './yaml-source.ts';

const DEFAULT_GATE_SCHEMA = buildGateSchema();

export function loadGate(file: string, context: LoadContext = {}): LoadResult<GatePlan> {
  const absolute = path.resolve(context.cwd ?? process.cwd(), file);
  const read = readYamlMapping(absolute, 'gate', 'keys gate, title, needs, suites');
  if (!read.ok) return read;
  const source = read.source;
  const errors: ConfigError[] = [...read.errors];
  const schema = context.kinds && context.kinds !== SUITE_KINDS ? buildGateSchema(context.kinds) : DEFAULT_GATE_SCHEMA;
  errors.push(...validateAgainstSchema(source, schema));

  const data = source.data as Record<string, unknown>;
  const suites: SuitePlan[] = [];
  const byName = new Map<string, string>();
  const list = Array.isArray(data['suites']) ? (data['suites'] as unknown[]) : [];
  list.forEach((entry, index) => {
    if (typeof entry !== 'string') return;
    const where = { file: absolute, ...positionOf(source, ['suites', index]), path: `suites[${index}]` };
    // Suite paths are relative to the gate file, never to the current directory.
    const suiteFile = path.resolve(path.dirname(absolute), entry);
    if (!existsSync(suiteFile)) {
      errors.push({ ...where, message: `suite file not found: ${suiteFile}`, expected: 'a path to a suite file, relative to the gate file' });
      return;
    }
    const loaded = loadSuite(suiteFile, context);
    if (!loaded.ok) {
      errors.push(...loaded.errors);
      return;
    }
    const earlier = byName.get(loaded.plan.name);
    if (earlier !== undefined) {
      errors.push({ ...where, message: `suite name '${loaded.plan.name}' is already used by ${earlier}`, expected: 'a unique suite: name per gate (reports key results by it)' });
      return;
    }
    byName.set(loaded.plan.name, entry);
    suites.push(loaded.plan);
  });

  if (errors.length > 0) return { ok: false, errors: sortConfigErrors(errors) };
  return {
    ok: true,
    plan: {
      number: data['gate'] as number,
      title: data['title'] as string,
      file: absolute,
      fileSha256: source.sha256,
      needs: (data['needs'] as string[] | undefined) ?? [],
      suites,
    },
  };
}
