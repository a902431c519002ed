// Preflight check run before a model is handed to llama.cpp, which aborts the whole process on
// many malformed files. Every failure is a GgufFileError naming the file, the problem, where, and a fix.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { GgufFileError } from './errors.ts';
import {
  GGUF_ALIGNMENT_KEY,
  GGUF_DEFAULT_ALIGNMENT,
  GGML_TYPES,
  LLAMA_FILE_TYPES,
  POOLING_TYPES,
  alignUp,
  tensorByteSize,
} from './format.ts';
import { readGgufHeader, type RawGgufHeader } from './header.ts';

export { GgufFileError } from './errors.ts';

export interface GgufTensorInfo {
  name: string;
  type: string;
  dims: number[];
  /** Absolute byte offset of the tensor data in the file. */
  offset: number;
  byteSize: number;
}

export interface GgufSummary {
  path: string;
  fileSize: number;
  version: number;
  /** Arrays of more than 64 items are summarised, except tokenizer.ggml.tokens. */
  metadata: Record<string, unknown>;
  tensors: GgufTensorInfo[];
  architecture: string;
  dimensions: number;
  pooling: string;
  contextLength: number;
  layers: number;
  quantization: string;
}

const REGENERATE = 'the tensor table is corrupt; regenerate or re-download the file and compare its sha256';

async function openChecked(path: string) {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new GgufFileError(path, { reason: 'is not a regular file', hint: 'point the model path at a .gguf file' });
    return { fh: await open(path, 'r'), size: st.size };
  } catch (err) {
    if (err instanceof GgufFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new GgufFileError(path, {
        reason: 'model file not found',
        hint: 'check the path (suites/models.yaml or the EMBEDGATE_* variables); fixture models are made by `npm run fixtures`',
      });
    }
    throw new GgufFileError(path, { reason: `cannot open the file (${code ?? String(err)})`, hint: 'check its permissions' });
  }
}

/** Tensors must be laid out as llama.cpp expects: each at the padded end of the previous one, all inside the file. */
function checkTensorTable(path: string, header: RawGgufHeader, fileSize: number, alignment: number): GgufTensorInfo[] {
  const dataStart = alignUp(header.tableEnd, alignment);
  const out: GgufTensorInfo[] = [];
  const seen = new Set<string>();
  let expected = 0;
  let previous = '';
  for (const t of header.tensors) {
    const at = t.entryOffset;
    if (seen.has(t.name)) throw new GgufFileError(path, { reason: `tensor "${t.name}" appears twice in the tensor table`, offset: at, hint: REGENERATE });
    seen.add(t.name);
    const info = GGML_TYPES.get(t.typeId);
    if (!info) {
      throw new GgufFileError(path, {
        reason: `tensor "${t.name}" has unknown or retired ggml type ${t.typeId}`,
        offset: at,
        hint: 'the file uses a tensor type this llama.cpp cannot read; requantize it with a current llama.cpp',
      });
    }
    const size = tensorByteSize(info, t.dims);
    if (typeof size === 'string') throw new GgufFileError(path, { reason: `tensor "${t.name}": ${size}`, offset: at, hint: REGENERATE });
    if (!Number.isSafeInteger(size)) throw new GgufFileError(path, { reason: `tensor "${t.name}" has absurd dims [${t.dims}]`, offset: at, hint: REGENERATE });
    if (t.offset % alignment !== 0) {
      throw new GgufFileError(path, {
        reason: `tensor "${t.name}" data offset ${t.offset} is not a multiple of the alignment ${alignment}`,
        offset: at,
        hint: REGENERATE,
      });
    }
    if (t.offset !== expected) {
      const rel = t.offset < expected ? `overlaps tensor "${previous}"` : 'leaves a gap after the previous tensor';
      throw new GgufFileError(path, {
        reason: `tensor "${t.name}" has data offset ${t.offset}, expected ${expected} (${rel})`,
        offset: at,
        hint: REGENERATE,
      });
    }
    const end = dataStart + t.offset + size;
    if (end > fileSize) {
      throw new GgufFileError(path, {
        reason: `tensor "${t.name}" data ends at byte ${end} but the file is only ${fileSize} bytes (${end - fileSize} missing): the file is truncated`,
        offset: dataStart + t.offset,
        hint: 'an interrupted download or copy? download or regenerate the file and compare its sha256',
      });
    }
    out.push({ name: t.name, type: info.name, dims: t.dims, offset: dataStart + t.offset, byteSize: size });
    expected = t.offset + alignUp(size, alignment);
    previous = t.name;
  }
  return out;
}

/** llama.cpp GGML_ASSERTs (aborting the process) when two vocabulary entries are the same string. */
function checkVocabulary(path: string, metadata: Record<string, unknown>): void {
  const tokens = metadata['tokenizer.ggml.tokens'];
  if (tokens === undefined) return;
  if (!Array.isArray(tokens)) {
    throw new GgufFileError(path, { reason: 'tokenizer.ggml.tokens is not an array', hint: 'the vocabulary is corrupt; regenerate the model' });
  }
  const firstIndex = new Map<unknown, number>();
  tokens.forEach((tok, i) => {
    const first = firstIndex.get(tok);
    if (first !== undefined) {
      throw new GgufFileError(path, {
        reason: `tokenizer.ggml.tokens has a duplicate token ${JSON.stringify(tok)} at ids ${first} and ${i} (llama.cpp would abort on it)`,
        hint: 'the vocabulary is corrupt; fix the converter that wrote it or regenerate the model',
      });
    }
    firstIndex.set(tok, i);
  });
}

function numberKey(path: string, metadata: Record<string, unknown>, key: string, required: boolean): number | undefined {
  const v = metadata[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new GgufFileError(path, {
      reason: v === undefined ? `metadata key ${key} is missing` : `metadata key ${key} is not a number (${JSON.stringify(v)})`,
      hint: 'the model metadata is incomplete; reconvert it with a current llama.cpp convert_hf_to_gguf.py',
    });
  }
  return v;
}

function quantizationOf(metadata: Record<string, unknown>, tensors: GgufTensorInfo[]): string {
  const fileType = metadata['general.file_type'];
  if (typeof fileType === 'number' && LLAMA_FILE_TYPES[fileType]) return LLAMA_FILE_TYPES[fileType];
  // Without general.file_type, name the type holding the most bytes among the weight matrices.
  const bytes = new Map<string, number>();
  for (const t of tensors) if (t.dims.length >= 2) bytes.set(t.type, (bytes.get(t.type) ?? 0) + t.byteSize);
  let best = 'unknown';
  let most = -1;
  for (const [type, n] of bytes) if (n > most) [best, most] = [type, n];
  return best;
}

export async function checkGgufFile(path: string): Promise<GgufSummary> {
  const { fh, size } = await openChecked(path);
  let header: RawGgufHeader;
  try {
    header = await readGgufHeader(fh, path, size);
  } finally {
    await fh.close();
  }
  const { metadata } = header;
  const alignment = metadata[GGUF_ALIGNMENT_KEY] ?? GGUF_DEFAULT_ALIGNMENT;
  if (typeof alignment !== 'number' || alignment <= 0 || alignment % 8 !== 0) {
    throw new GgufFileError(path, { reason: `${GGUF_ALIGNMENT_KEY} is ${String(alignment)}, not a positive multiple of 8`, hint: REGENERATE });
  }
  const tensors = checkTensorTable(path, header, size, alignment);
  checkVocabulary(path, metadata);

  const architecture = metadata['general.architecture'];
  if (typeof architecture !== 'string' || architecture === '') {
    throw new GgufFileError(path, {
      reason: 'metadata key general.architecture is missing',
      hint: 'this is not a llama.cpp model file; reconvert it with convert_hf_to_gguf.py',
    });
  }
  const dimensions = numberKey(path, metadata, `${architecture}.embedding_length`, true) as number;
  // llama.cpp refuses such a file with a bare "Failed to load model" (its shape error goes to a log).
  const embd = tensors.find((t) => t.name === 'token_embd.weight');
  if (embd && embd.dims[0] !== dimensions) {
    throw new GgufFileError(path, {
      reason: `metadata key ${architecture}.embedding_length is ${dimensions} but tensor "token_embd.weight" is ${embd.dims[0]} wide: the metadata contradicts the weights`,
      hint: 'reconvert the model with a current llama.cpp convert_hf_to_gguf.py',
    });
  }
  const poolingId = numberKey(path, metadata, `${architecture}.pooling_type`, false);
  const pooling = poolingId === undefined ? 'unspecified' : (POOLING_TYPES[poolingId] ?? `unknown(${poolingId})`);
  return {
    path,
    fileSize: size,
    version: header.version,
    metadata,
    tensors,
    architecture,
    dimensions,
    pooling,
    contextLength: numberKey(path, metadata, `${architecture}.context_length`, false) ?? 0,
    layers: numberKey(path, metadata, `${architecture}.block_count`, false) ?? 0,
    quantization: quantizationOf(metadata, tensors),
  };
}

/** sha256 of a file, streamed (real models are several GB). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
