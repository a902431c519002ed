// JSON Schemas of suite and gate files, built from the kind registry so that a new kind or
// parameter shows up in validation and in editors at once. The loader validates with exactly these schemas;
// scripts/write-schemas.ts writes them to suites/schema/ for editors (yaml-language-server).
import { paramsJsonSchema } from '../kinds/params.ts';
import { SUITE_KINDS, type KindRegistry } from '../kinds/registry.ts';
import { DURATION_PATTERN } from './duration.ts';
import { MCP_TARGET_SCHEMA } from './mcp-target.ts';
import { REFERENCE_SCHEMA } from './reference.ts';
import { CHECK_ITEM_SCHEMA } from './window-rule.ts';

type Schema = Record<string, unknown>;

export const SUITE_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]*$';

const target = (what: string): Schema => ({
  type: 'object',
  description: `${what}: { gguf: <model name from suites/models.yaml or path to a .gguf file> } or { http: <URL of an OpenAI-compatible server>, model?, apiKeyEnv?, queryPrefix?, documentPrefix? } or { mcp: { command: [argv…] | url: <loopback URL>, tools?, model?, … } }`,
  additionalProperties: false,
  minProperties: 1,
  properties: {
    gguf: { type: 'string', minLength: 1, description: 'a model name from suites/models.yaml (baseline, candidate, …) or a path to a .gguf file, relative to the suite file' },
    http: { type: 'string', pattern: '^https?://', description: 'base URL of an OpenAI-compatible embeddings server, e.g. http://127.0.0.1:8080' },
    mcp: MCP_TARGET_SCHEMA,
    swarm: { const: 'simulated', description: 'kind swarm only: the simulated swarm alone, doing simulated work (give gguf or http instead for real work)' },
    model: { type: 'string', minLength: 1, description: 'http only: model id sent with each request (default: the first one the server lists at /v1/models)' },
    apiKeyEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'http only: environment variable holding the API key, sent as Authorization: Bearer' },
    queryPrefix: { type: 'string', description: 'http only: text put before every query, e.g. "search_query: "' },
    documentPrefix: { type: 'string', description: 'http only: text put before every document, e.g. "search_document: "' },
  },
});

/** The schema of one suite file. */
export function buildSuiteSchema(kinds: KindRegistry = SUITE_KINDS): Schema {
  const names = Object.keys(kinds);
  const blocks = Object.fromEntries(
    names.map((k) => [k, { ...paramsJsonSchema(kinds[k]!.params), description: `parameters of kind ${k}: ${kinds[k]!.description}` }]),
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'embedgate suite',
    description: 'One suite: a kind, the target it drives, its parameters and its gate checks. See docs/checks.md.',
    type: 'object',
    additionalProperties: false,
    required: ['suite', 'kind', 'target'],
    properties: {
      suite: { type: 'string', pattern: SUITE_NAME_PATTERN, description: 'name of the suite, unique within a gate (lower case, digits, . _ -)' },
      description: { type: 'string', description: 'what the suite shows, for the report' },
      kind: { enum: names, description: `kind of suite: ${names.join(', ')}` },
      target: target('the system under test'),
      compare: target('a second target measured the same way; enables baseline.* in checks'),
      reference: REFERENCE_SCHEMA,
      timeout: { type: 'string', pattern: DURATION_PATTERN, description: 'time limit for the whole suite, e.g. 10m (default depends on the kind)' },
      checks: {
        type: 'array',
        description: 'gate checks, e.g. "single.latency.p95 <= 50ms"; grammar in docs/checks.md',
        items: CHECK_ITEM_SCHEMA,
      },
      vectorChecks: {
        type: 'boolean',
        description: 'add "vectors.invalid == 0" and, for kinds that check answers under load, "responses.invalid == 0", for tests suites "command.exit_code == 0" (and their baseline. and reference. forms with a compare target or a reference) when no check names them (default true)',
      },
      ...blocks,
    },
    // The parameter block is named after the kind: only that block may appear, and it is required
    // when the kind has required parameters.
    allOf: names.map((k) => {
      const required = (paramsJsonSchema(kinds[k]!.params)['required'] as string[] | undefined)?.length ? [k] : [];
      return {
        if: { properties: { kind: { const: k } }, required: ['kind'] },
        then: {
          properties: Object.fromEntries(names.filter((other) => other !== k).map((other) => [other, false])),
          ...(required.length > 0 ? { required } : {}),
        },
      };
    }),
  };
}

/** The schema of one gate file. */
export function buildGateSchema(kinds: KindRegistry = SUITE_KINDS): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'embedgate gate',
    description: 'A gate: the suites it runs and the suite kinds without which it cannot pass.',
    type: 'object',
    additionalProperties: false,
    required: ['gate', 'title', 'suites'],
    properties: {
      gate: { type: 'integer', minimum: 1, description: 'gate number, e.g. 1' },
      title: { type: 'string', minLength: 1, description: 'short title, e.g. Unit' },
      description: { type: 'string', description: 'what the gate proves, for the report' },
      needs: {
        type: 'array',
        uniqueItems: true,
        description: 'suite kinds without which the gate cannot pass; one not covered makes the gate inconclusive',
        items: { enum: Object.keys(kinds), description: 'a suite kind' },
      },
      suites: {
        type: 'array',
        description: 'suite files, relative to the gate file',
        items: { type: 'string', minLength: 1, description: 'path of a suite file, relative to the gate file' },
      },
    },
  };
}

/** The schema of suites/models.yaml. */
export function buildModelsSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'embedgate models',
    type: 'object',
    additionalProperties: false,
    required: ['models'],
    properties: {
      models: {
        type: 'object',
        description: 'model names that suites use in target: { gguf: <name> }',
        propertyNames: { pattern: '^[a-z0-9][a-z0-9._-]*$' },
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          properties: {
            description: { type: 'string', description: 'what the model is or stands in for' },
            fixture: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$', description: 'id of the fixture model the harness generates (fixtures/models/<id>.gguf)' },
            path: { type: 'string', minLength: 1, description: 'path of a real .gguf file, relative to this file; replaces the fixture' },
            env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', description: 'environment variable that may hold the path, e.g. EMBEDGATE_CANDIDATE' },
            queryPrefix: { type: 'string', description: 'text put before every query, e.g. "search_query: "' },
            documentPrefix: { type: 'string', description: 'text put before every document, e.g. "search_document: "' },
          },
        },
      },
    },
  };
}

/** The files scripts/write-schemas.ts writes to suites/schema/, by file name, exactly as written. */
export function renderSchemaFiles(kinds: KindRegistry = SUITE_KINDS): Record<string, string> {
  const render = (schema: Schema) => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    'suite.schema.json': render(buildSuiteSchema(kinds)),
    'gate.schema.json': render(buildGateSchema(kinds)),
    'models.schema.json': render(buildModelsSchema()),
  };
}
