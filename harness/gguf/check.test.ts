import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGgufFile, GgufFileError, sha256File } from './check.ts';
import { overlapSecondTensor, readRawHeader, replaceMagic, truncateData } from './fixtures/corrupt.ts';
import { encodeF32, encodeQ8_0 } from './fixtures/quantize.ts';
import { f32, strings, u32 } from './value.ts';
import { writeGguf, type GgufWriteInput } from './write.ts';

let dir: string;
let good: string;

function model(tokens = ['[PAD]', 'a', 'b', 'c']): GgufWriteInput {
  const m = new Float32Array(64 * 4).map((_, i) => Math.cos(i));
  return {
    metadata: {
      'general.architecture': 'bert',
      'general.file_type': u32(7),
      'bert.embedding_length': u32(64),
      'bert.context_length': u32(128),
      'bert.block_count': u32(2),
      'bert.pooling_type': u32(1),
      'bert.attention.layer_norm_epsilon': f32(1e-12),
      'tokenizer.ggml.model': 'bert',
      'tokenizer.ggml.tokens': strings(tokens),
      'test.long_array': strings(Array.from({ length: 500 }, (_, i) => `item${i}`)),
    },
    tensors: [
      { name: 'token_embd.weight', type: 'Q8_0', dims: [64, 4], data: encodeQ8_0(m) },
      { name: 'token_embd_norm.weight', type: 'F32', dims: [64], data: encodeF32(m.subarray(0, 64)) },
      { name: 'token_embd_norm.bias', type: 'F32', dims: [64], data: encodeF32(m.subarray(64, 128)) },
    ],
  };
}

async function put(name: string, bytes: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

async function failure(path: string): Promise<GgufFileError> {
  try {
    await checkGgufFile(path);
  } catch (err) {
    expect(err).toBeInstanceOf(GgufFileError);
    const e = err as GgufFileError;
    expect(e.message).toContain(path);
    expect(e.hint.length).toBeGreaterThan(10);
    return e;
  }
  throw new Error(`checkGgufFile accepted ${path}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'embedgate-check-'));
  good = join(dir, 'good.gguf');
  await writeGguf(good, model());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkGgufFile on a valid file', () => {
  it('summarises it, agreeing with node-llama-cpp', async () => {
    const s = await checkGgufFile(good);
    expect(s).toMatchObject({
      version: 3, architecture: 'bert', dimensions: 64, pooling: 'mean', contextLength: 128, layers: 2, quantization: 'Q8_0',
    });
    expect(s.fileSize).toBe((await stat(good)).size);
    expect(s.metadata['tokenizer.ggml.tokens']).toEqual(['[PAD]', 'a', 'b', 'c']);
    expect(s.metadata['test.long_array']).toMatchObject({ summarized: true, length: 500, itemType: 'STRING' });
    const info = await readGgufFileInfo(good, { readTensorInfo: true });
    expect(s.tensors.map((t) => [t.name, t.offset])).toEqual(info.fullTensorInfo!.map((t) => [t.name, Number(t.fileOffset)]));
    expect(s.tensors[0]).toMatchObject({ type: 'Q8_0', dims: [64, 4], byteSize: 8 * 34 });
  });

  it('names the dominant tensor type when general.file_type is absent', async () => {
    const input = model();
    delete input.metadata['general.file_type'];
    const path = join(dir, 'no-ftype.gguf');
    await writeGguf(path, input);
    expect((await checkGgufFile(path)).quantization).toBe('Q8_0');
  });

  it('computes the same sha256 as a one-shot hash', async () => {
    const expected = createHash('sha256').update(await readFile(good)).digest('hex');
    expect(await sha256File(good)).toBe(expected);
  });
});

describe('checkGgufFile on broken files', () => {
  it('reports a missing file', async () => {
    const e = await failure(join(dir, 'absent.gguf'));
    expect(e.reason).toMatch(/not found/);
  });

  it('reports an empty file and a file shorter than the header', async () => {
    expect((await failure(await put('empty.gguf', Buffer.alloc(0)))).reason).toMatch(/empty/);
    expect((await failure(await put('short.gguf', Buffer.from('GGUF\x03\x00')))).reason).toMatch(/only 6 bytes/);
  });

  it('reports wrong magic, recognising a Git LFS pointer and an HTML page', async () => {
    const bytes = await readFile(good);
    const e = await failure(await put('magic.gguf', replaceMagic(bytes)));
    expect(e.reason).toMatch(/not a GGUF file/);
    expect(e.offset).toBe(0);
    const lfs = await put('lfs.gguf', 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
    expect((await failure(lfs)).reason).toMatch(/Git LFS pointer/);
    expect((await failure(await put('html.gguf', '<!DOCTYPE html><html>not found</html>'))).reason).toMatch(/HTML/);
  });

  it('reports an unsupported version', async () => {
    const bytes = Buffer.from(await readFile(good));
    bytes.writeUInt32LE(1, 4);
    const e = await failure(await put('v1.gguf', bytes));
    expect(e.reason).toMatch(/unsupported GGUF version 1/);
    expect(e.offset).toBe(4);
  });

  it('reports absurd counts', async () => {
    const bytes = Buffer.from(await readFile(good));
    bytes.writeBigUInt64LE(2n ** 40n, 8);
    const e = await failure(await put('count.gguf', bytes));
    expect(e.reason).toMatch(/absurd tensor count/);
    expect(e.offset).toBe(8);
  });

  it('reports truncated tensor data with the tensor name', async () => {
    const bytes = await readFile(good);
    const header = await readRawHeader(bytes);
    const e = await failure(await put('truncated.gguf', truncateData(bytes, header)));
    expect(e.reason).toMatch(/tensor "token_embd_norm\.(weight|bias)" data ends at byte \d+ but the file is only \d+ bytes/);
    expect(e.hint).toMatch(/download/);
  });

  it('reports a file cut inside the metadata', async () => {
    const bytes = await readFile(good);
    const cut = bytes.indexOf('item250') + 3;
    const e = await failure(await put('cut-meta.gguf', bytes.subarray(0, cut)));
    // The array's item count is checked against the bytes left before any item is read.
    expect(e.reason).toMatch(/item count of array test\.long_array is 500, more than the \d+ bytes left/);
    const short = await failure(await put('cut-header.gguf', bytes.subarray(0, 100)));
    expect(short.reason).toMatch(/tensor count is 3, more than the \d+ bytes left/);
  });

  it('reports overlapping tensor offsets', async () => {
    const bytes = await readFile(good);
    const header = await readRawHeader(bytes);
    const e = await failure(await put('table.gguf', overlapSecondTensor(bytes, header)));
    expect(e.reason).toMatch(/tensor "token_embd_norm\.weight" has data offset 0, expected 288 \(overlaps tensor "token_embd\.weight"\)/);
    expect(e.offset).toBe(header.tensors[1]!.entryOffset);
  });

  it('reports a duplicate vocabulary token with both ids', async () => {
    const path = join(dir, 'dup.gguf');
    await writeGguf(path, model(['[PAD]', 'a', 'b', 'a']));
    expect((await failure(path)).reason).toMatch(/duplicate token "a" at ids 1 and 3/);
  });

  it('reports a missing embedding length', async () => {
    const input = model();
    delete input.metadata['bert.embedding_length'];
    const path = join(dir, 'no-dims.gguf');
    await writeGguf(path, input);
    expect((await failure(path)).reason).toMatch(/bert\.embedding_length is missing/);
  });
});
