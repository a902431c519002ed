// The `mcp:` target block of a suite: what it becomes, and each mistake reported where it is.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBED_TOOL, SEARCH_TOOL } from '../mcp/tools.ts';
import { DEFAULT_TOOL_MAPPING } from '../mcp/client/default-mapping.ts';
import { formatConfigErrors } from './errors.ts';
import { loadSuite } from './suite.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'embedgate-mcp-suite-'));
function load(target: string) {
  const file = path.join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `suite: mcp-retrieval\nkind: retrieval\n${target}\n`);
  return { file, result: loadSuite(file, { env: {} }) };
}
function errorsOf(target: string): string {
  const { result } = load(target);
  expect(result.ok).toBe(false);
  return result.ok ? '' : formatConfigErrors(result.errors, dir);
}

describe('mcp target', () => {
  it('reads a stdio command with {model}, the default tools and the model’s prefixes', () => {
    const { result } = load('target: { mcp: { command: [node, x.mjs, serve, --mcp, --stdio, --model, "{model}"], model: candidate } }');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const t = result.plan.target;
    expect(t.type).toBe('mcp');
    expect(t.mcp?.transport).toEqual({ type: 'stdio', command: ['node', 'x.mjs', 'serve', '--mcp', '--stdio', '--model', '{model}'], cwd: dir });
    expect(t.mcp?.model?.name).toBe('candidate');
    expect(t.mcp?.tools).toEqual(DEFAULT_TOOL_MAPPING);
    expect(t.mcp?.callTimeoutMs).toBe(60_000);
  });

  it('reads a loopback URL and a partial tool mapping over the defaults', () => {
    const { result } = load(
      'target:\n  mcp:\n    url: http://127.0.0.1:8080/mcp\n    callTimeout: 5s\n    queryPrefix: "q: "\n    tools: { embed: { name: embed_texts, texts: inputs, result: data.vectors }, search: { name: find } }',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const spec = result.plan.target.mcp!;
    expect(spec.transport).toEqual({ type: 'http', url: 'http://127.0.0.1:8080/mcp' });
    expect(spec.tools.embed).toEqual({ name: 'embed_texts', texts: 'inputs', result: 'data.vectors' });
    expect(spec.tools.search).toEqual({ ...DEFAULT_TOOL_MAPPING.search, name: 'find' });
    expect(spec.callTimeoutMs).toBe(5000);
    expect(spec.queryPrefix).toBe('q: ');
  });

  it('refuses a URL on another machine, at the URL', () => {
    const out = errorsOf('target:\n  mcp:\n    url: http://10.1.2.3:8080/mcp');
    expect(out).toMatch(/:5:10: target\.mcp\.url: 10\.1\.2\.3 is not this machine/);
  });

  it('refuses both command and url, and neither', () => {
    expect(errorsOf('target: { mcp: { command: [x], url: http://127.0.0.1:1/mcp } }')).toMatch(/:3:\d+: target\.mcp: mcp must have exactly one of command and url, found both/);
    expect(errorsOf('target: { mcp: { model: baseline } }')).toMatch(/found neither/);
  });

  it('refuses {model} with no model, a missing binary, and keys beside mcp:', () => {
    expect(errorsOf('target: { mcp: { command: [srv, "{model}"] } }')).toMatch(/target\.mcp\.command: the command has \{model\} but the target names no model/);
    expect(errorsOf('target: { mcp: { command: [./no/such/server] } }')).toMatch(/target\.mcp\.command\[0\]: .*no\/such\/server does not exist/);
    expect(errorsOf('target:\n  mcp: { command: [srv] }\n  queryPrefix: "q: "')).toMatch(/:5:3: target\.queryPrefix: 'queryPrefix' beside mcp: is not read\n\s+expected: put it inside the mcp: block/);
  });

  it('refuses a bad mapping at the field: an unknown key, a path with a space, an unknown model', () => {
    expect(errorsOf('target:\n  mcp:\n    url: http://127.0.0.1:1/mcp\n    tools: { embed: { vectors: x } }')).toMatch(/:6:\d+: target\.mcp\.tools\.embed/);
    expect(errorsOf('target:\n  mcp:\n    url: http://127.0.0.1:1/mcp\n    tools: { embed: { result: "data vectors" } }')).toMatch(/:6:\d+: target\.mcp\.tools\.embed\.result/);
    expect(errorsOf('target: { mcp: { command: [srv], model: no-such-model } }')).toMatch(/target\.mcp\.model: .*no-such-model/);
    expect(errorsOf('target:\n  mcp:\n    url: http://127.0.0.1:1/mcp\n    tools: { search: { query: n, k: n } }')).toMatch(/:6:\d+: target\.mcp\.tools\.search: the search tool's query and k are both the argument 'n'/);
  });

  it('defaults to the tools embedgate serve --mcp declares', () => {
    expect(DEFAULT_TOOL_MAPPING.embed.name).toBe(EMBED_TOOL.name);
    expect(Object.keys(EMBED_TOOL.input)).toContain(DEFAULT_TOOL_MAPPING.embed.texts);
    expect(Object.keys(EMBED_TOOL.output)).toContain(DEFAULT_TOOL_MAPPING.embed.result);
    expect(DEFAULT_TOOL_MAPPING.search.name).toBe(SEARCH_TOOL.name);
    expect(Object.keys(SEARCH_TOOL.input)).toEqual([DEFAULT_TOOL_MAPPING.search.query, DEFAULT_TOOL_MAPPING.search.k]);
    expect(Object.keys(SEARCH_TOOL.output)).toContain(DEFAULT_TOOL_MAPPING.search.results);
    expect(Object.keys(SEARCH_TOOL.output.results.element.shape)).toEqual(expect.arrayContaining([DEFAULT_TOOL_MAPPING.search.id, DEFAULT_TOOL_MAPPING.search.score]));
  });
});
