import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_MODELS_DIR } from '../paths.ts';
import { loadModelCatalog, resolveModel, ModelResolutionError } from './models.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'embedgate-models-'));
const real = path.join(dir, 'real.gguf');
writeFileSync(real, 'GGUF');

function failure(run: () => unknown): ModelResolutionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelResolutionError) return error;
    throw error;
  }
  throw new Error('expected a ModelResolutionError');
}

describe('resolveModel with suites/models.yaml', () => {
  it('gives fixture models by default, without requiring the file to exist', () => {
    expect(resolveModel('candidate', { env: {} })).toEqual({
      name: 'candidate',
      path: path.join(FIXTURE_MODELS_DIR, 'candidate.gguf'),
      queryPrefix: 'Represent this query for searching relevant code: ',
      documentPrefix: '',
      fixture: 'candidate',
      source: 'fixture',
    });
    expect(resolveModel('baseline-q8_0', { env: {} })).toMatchObject({
      path: path.join(FIXTURE_MODELS_DIR, 'baseline-q8_0.gguf'),
      queryPrefix: 'search_query: ',
      documentPrefix: 'search_document: ',
    });
  });

  it('takes the environment variable declared for the model over the fixture', () => {
    const model = resolveModel('baseline', { env: { EMBEDGATE_BASELINE: real } });
    expect(model).toMatchObject({ path: real, source: 'EMBEDGATE_BASELINE', queryPrefix: 'search_query: ' });
    expect(model.fixture).toBeUndefined();
  });

  it('takes --model over the environment, relative to cwd', () => {
    const model = resolveModel('candidate', { env: { EMBEDGATE_CANDIDATE: '/nowhere.gguf' }, overrides: { candidate: 'real.gguf' }, cwd: dir });
    expect(model).toMatchObject({ path: real, source: '--model' });
  });

  it('names the path and where it came from when a user path does not exist', () => {
    expect(failure(() => resolveModel('candidate', { env: { EMBEDGATE_CANDIDATE: '/nowhere/x.gguf' } })).message).toBe(
      'model file /nowhere/x.gguf does not exist (from EMBEDGATE_CANDIDATE=/nowhere/x.gguf)',
    );
    expect(failure(() => resolveModel('candidate', { env: {}, overrides: { candidate: '/nowhere/y.gguf' } })).message).toContain(
      '(from --model candidate=/nowhere/y.gguf)',
    );
  });

  it('suggests a known name for an unknown one', () => {
    const error = failure(() => resolveModel('basline', { env: {} }));
    expect(error.message).toBe("unknown model 'basline' (did you mean 'baseline'?)");
    expect(error.expected).toContain('baseline, candidate');
  });

  it('treats a .gguf path as a model of its own, with empty prefixes', () => {
    expect(resolveModel('./real.gguf', { baseDir: dir, env: {} })).toMatchObject({ name: './real.gguf', path: real, queryPrefix: '', documentPrefix: '' });
    expect(failure(() => resolveModel('absent.gguf', { baseDir: dir, env: {} })).message).toContain(path.join(dir, 'absent.gguf'));
  });
});

describe('a models file of its own', () => {
  const file = path.join(dir, 'models.yaml');
  writeFileSync(
    file,
    `models:
  real:
    path: real.gguf
    queryPrefix: "q: "
  gone:
    path: gone.gguf
  nothing:
    env: EMBEDGATE_NOTHING
`,
  );
  const loaded = loadModelCatalog(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const catalog = loaded.catalog;

  it('resolves path: relative to the models file', () => {
    expect(resolveModel('real', { catalog, env: {} })).toMatchObject({ path: real, queryPrefix: 'q: ', documentPrefix: '' });
  });

  it('says which line of the models file names a path that does not exist', () => {
    expect(failure(() => resolveModel('gone', { catalog, env: {} })).message).toContain('(from path: gone.gguf in models.yaml:5)');
  });

  it('says how to give a file to a model with neither path nor fixture', () => {
    expect(failure(() => resolveModel('nothing', { catalog, env: {} })).expected).toContain('set EMBEDGATE_NOTHING');
  });

  it('reports a malformed models file with positions', () => {
    const bad = path.join(dir, 'bad-models.yaml');
    writeFileSync(bad, 'models:\n  x:\n    pth: a.gguf\n');
    const result = loadModelCatalog(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ line: 3, col: 5, path: 'models.x.pth', message: "unknown key 'pth' (did you mean 'path'?)" });
  });
});
