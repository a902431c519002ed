// The http target against embedgate serve: every suite that runs against
// gguf runs against http too, so the fidelity suite runs here through HTTP and must pass.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli.ts';
import { loadSuite } from '../../config/load.ts';
import { ensureFixtureModels } from '../../gguf/fixtures/ensure.ts';
import { startServer, type EmbedServer } from '../../server/server.ts';
import { TargetPool } from '../open.ts';
import { has, need } from '../target.ts';
import { baseUrlOf, openHttpTarget } from './target.ts';

const GOLDEN = fileURLToPath(new URL('../../../fixtures/golden/baseline.json', import.meta.url));
let server: EmbedServer;
let dir: string;

beforeAll(async () => {
  const m = (await ensureFixtureModels()).baseline!;
  server = await startServer({ model: { name: 'baseline', path: m.path, queryPrefix: '', documentPrefix: '', expectedSha256: m.sha256, source: 'test', fixture: 'baseline' }, target: { contexts: 2, threads: 1 } });
  await server.ready;
  dir = mkdtempSync(join(tmpdir(), 'embedgate-http-'));
});

afterAll(async () => {
  await server?.stop();
});

describe('http target', () => {
  it('adds /v1 to a bare base URL only', () => {
    expect(baseUrlOf('http://h:1')).toBe('http://h:1/v1');
    expect(baseUrlOf('http://h:1/v1/')).toBe('http://h:1/v1');
  });

  it('learns the model, its sha256 and its dimensions from the server, prefixes from the suite', async () => {
    const t = await openHttpTarget({ url: server.url, queryPrefix: 'q: ', documentPrefix: 'd: ' });
    expect(t.info()).toMatchObject({ name: 'baseline', sha256: server.modelInfo()!.sha256, dimensions: 256, queryPrefix: 'q: ', documentPrefix: 'd: ' });
    expect(t.describe()).toMatchObject({ kind: 'http', url: server.url });
    const vectors = await t.embed(['a', 'b', 'c']);
    expect(vectors.map((v) => v.length)).toEqual([256, 256, 256]);
  });

  it('is driven where it is: its URL, and the process listening on its loopback port', async () => {
    const t = await openHttpTarget({ url: `${server.url}/v1/` });
    const endpoint = await t.serveHttp();
    expect(endpoint).toMatchObject({ url: server.url, modelId: 'baseline' });
    expect(endpoint.server).toBeUndefined();
    // embedgate serve runs inside this test process here.
    expect(t.processes().pids).toEqual([process.pid]);
    const far = await openHttpTarget({ url: server.url });
    expect(has(far, 'measureCeiling') || has(far, 'restart') || has(far, 'openCopy')).toBe(false);
    expect(() => need(far, 'fault suite "f"', 'restart')).toThrow(`fault suite "f" needs a target that can restart; http:${server.url} (http target) cannot`);
  });

  it('says which server and what went wrong when a request fails', async () => {
    const t = await openHttpTarget({ url: server.url });
    await expect(t.embed([''])).rejects.toThrow(new RegExp(`${server.url}: HTTP 400 empty_input`));
    await expect(openHttpTarget({ url: server.url, model: 'nope' })).rejects.toThrow(/HTTP 404 model_not_found/);
    await expect(openHttpTarget({ url: server.url, apiKeyEnv: 'EMBEDGATE_TEST_NO_SUCH_KEY' }, { env: {} })).rejects.toThrow(/EMBEDGATE_TEST_NO_SUCH_KEY.*not set/);
  });

  it('sends the API key from the named environment variable as a bearer token', async () => {
    let auth: string | undefined;
    const fake = createServer((req, res) => {
      auth = req.headers.authorization;
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/models') return res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
      res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.6, 0.8] }], model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const t = await openHttpTarget({ url, apiKeyEnv: 'MY_KEY' }, { env: { MY_KEY: 'sekret' } });
      expect(auth).toBe('Bearer sekret');
      expect(t.info()).toMatchObject({ name: 'm', dimensions: 2, sha256: 'unknown' });
    } finally {
      fake.close();
    }
  });

  it('a suite reads target: { http: URL, model, queryPrefix, documentPrefix } and TargetPool opens it', async () => {
    const file = join(dir, 'http-target.yaml');
    writeFileSync(file, `suite: http-fidelity\nkind: accuracy\ntarget: { http: "${server.url}", model: baseline, queryPrefix: "q: ", documentPrefix: "d: " }\naccuracy: { golden: ${GOLDEN} }\n`);
    const loaded = loadSuite(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    expect(loaded.plan.target).toMatchObject({ type: 'http', name: server.url, http: { url: server.url, model: 'baseline', queryPrefix: 'q: ', documentPrefix: 'd: ' } });
    const pool = new TargetPool();
    try {
      expect(need(await pool.get(loaded.plan.target), 'test', 'info').info().queryPrefix).toBe('q: ');
    } finally {
      await pool.closeAll();
    }
  });

  it('refuses http-only keys on a gguf target, with the position', () => {
    const file = join(dir, 'gguf-with-model.yaml');
    writeFileSync(file, `suite: bad\nkind: accuracy\ntarget: { gguf: baseline, model: x }\naccuracy: { golden: g.json }\n`);
    const loaded = loadSuite(file);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.errors[0]).toMatchObject({ line: 3, path: 'target.model', message: expect.stringMatching(/http targets only/) });
  });

  it('the fidelity suite (as fixtures/suites/fidelity-pass.yaml, against gguf) passes through http against embedgate serve', async () => {
    const gguf = readFileSync(fileURLToPath(new URL('../../../fixtures/suites/fidelity-pass.yaml', import.meta.url)), 'utf8');
    const file = join(dir, 'fidelity-http.yaml');
    writeFileSync(file, gguf.replace('suite: fidelity-pass', 'suite: fidelity-pass-http').replace(/target: \{ gguf: baseline \}/, `target: { http: "${server.url}" }`).replace('../golden/baseline.json', GOLDEN));
    expect(readFileSync(file, 'utf8')).toContain('http:');
    const out = join(dir, 'reports');
    const code = await main(['run', file, '--out', out, '--reporter', 'json']);
    expect(code).toBe(0);
  });
});
