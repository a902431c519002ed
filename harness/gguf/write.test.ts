import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeF32, encodeQ8_0 } from './fixtures/quantize.ts';
import { f32, f32s, i32s, strings, u32, u64 } from './value.ts';
import { writeGguf, type GgufWriteInput } from './write.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'embedgate-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(): GgufWriteInput {
  const a = new Float32Array(64 * 3).map((_, i) => Math.sin(i));
  const b = new Float32Array(5).map((_, i) => i / 10);
  return {
    metadata: {
      'general.architecture': 'bert',
      'general.name': 'writer test',
      'bert.embedding_length': u32(64),
      'bert.layer_norm_eps': f32(1e-12),
      'general.some_u64': u64(2n ** 40n),
      'test.flag': true,
      'tokenizer.ggml.tokens': strings(['[PAD]', 'a', 'ü', '']),
      'tokenizer.ggml.token_type': i32s([3, 1, 1, 1]),
      'tokenizer.ggml.scores': f32s([0, -1.5, 2.25, 0]),
    },
    tensors: [
      { name: 'w.q8', type: 'Q8_0', dims: [64, 3], data: encodeQ8_0(a) },
      { name: 'b.f32', type: 'F32', dims: [5], data: encodeF32(b) },
      { name: 'w.f32', type: 0, dims: [64, 3], data: encodeF32(a) },
    ],
  };
}

describe('writeGguf', () => {
  it('writes the same bytes for the same input', async () => {
    await writeGguf(join(dir, 'a.gguf'), sample());
    await writeGguf(join(dir, 'b.gguf'), sample());
    const [a, b] = await Promise.all([readFile(join(dir, 'a.gguf')), readFile(join(dir, 'b.gguf'))]);
    expect(a.equals(b)).toBe(true);
    expect(a.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(a.readUInt32LE(4)).toBe(3);
  });

  it('is read back by node-llama-cpp with the same metadata and tensor table', async () => {
    const path = join(dir, 'c.gguf');
    await writeGguf(path, sample());
    const info = await readGgufFileInfo(path, { readTensorInfo: true, ignoreKeys: [] });
    expect(info.version).toBe(3);
    const meta = info.metadata as any;
    expect(meta.general.architecture).toBe('bert');
    expect(meta.bert.embedding_length).toBe(64);
    expect(meta.bert.layer_norm_eps).toBeCloseTo(1e-12, 15);
    expect(meta.test.flag).toBe(true);
    expect(meta.tokenizer.ggml.tokens).toEqual(['[PAD]', 'a', 'ü', '']);
    expect(meta.tokenizer.ggml.scores).toEqual([0, -1.5, 2.25, 0]);
    const tensors = info.fullTensorInfo!;
    expect(tensors.map((t) => [t.name, t.ggmlType, t.dimensions.map(Number)])).toEqual([
      ['w.q8', 8, [64, 3]],
      ['b.f32', 0, [5]],
      ['w.f32', 0, [64, 3]],
    ]);
    // Q8_0 [64,3] = 6 blocks of 34 bytes = 204, padded to 224; then 20 bytes of F32 padded to 32.
    expect(tensors.map((t) => Number(t.offset))).toEqual([0, 224, 256]);
    const bytes = await readFile(path);
    const dataStart = Number(tensors[0]!.fileOffset);
    expect(dataStart % 32).toBe(0);
    expect(bytes.readFloatLE(Number(tensors[1]!.fileOffset) + 4)).toBeCloseTo(0.1, 6);
    expect(bytes.length).toBe(dataStart + 256 + 768);
  });

  it('honours a custom general.alignment', async () => {
    const input = sample();
    input.metadata['general.alignment'] = u32(64);
    const path = join(dir, 'aligned.gguf');
    await writeGguf(path, input);
    const info = await readGgufFileInfo(path, { readTensorInfo: true });
    for (const t of info.fullTensorInfo!) expect(Number(t.fileOffset) % 64).toBe(0);
    expect(info.fullTensorInfo!.map((t) => Number(t.offset))).toEqual([0, 256, 320]);
  });

  it('refuses data of the wrong size and leaves nothing behind', async () => {
    const sub = await mkdtemp(join(dir, 'bad-'));
    const target = join(sub, 'model.gguf');
    await writeFile(target, 'previous');
    const input = sample();
    input.tensors[1]!.data = encodeF32(new Float32Array(4));
    await expect(writeGguf(target, input)).rejects.toThrow(/b\.f32.*needs 20 bytes, got 16/);
    expect(await readdir(sub)).toEqual(['model.gguf']);
    expect(await readFile(target, 'utf8')).toBe('previous');
  });

  it('refuses untyped or non-integer numbers where integers are declared', async () => {
    const input = sample();
    input.metadata['bert.embedding_length'] = u32(1.5);
    await expect(writeGguf(join(dir, 'x.gguf'), input)).rejects.toThrow(/bert\.embedding_length.*not an integer/);
  });
});
