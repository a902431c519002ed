// Parses a GGUF header (magic, version, metadata, tensor table) with positioned reads.
// Structural errors only; what the values mean is judged in check.ts.
import { GgufFileError } from './errors.ts';
import {
  GGML_MAX_DIMS,
  GGUF_HEADER_SIZE,
  GGUF_MAGIC,
  GGUF_MAGIC_BYTES,
  GGUF_SUPPORTED_VERSIONS,
  GGUF_VALUE_SIZE,
  GgufValueType,
  valueTypeName,
} from './format.ts';
import { PositionedReader, type ByteSource } from './reader.ts';

/** Arrays longer than this are kept as a summary; the vocabulary is always read in full. */
export const ARRAY_SUMMARY_LIMIT = 64;
const ALWAYS_FULL = new Set(['tokenizer.ggml.tokens']);

export interface GgufArraySummary {
  summarized: true;
  itemType: string;
  length: number;
  head: unknown[];
}

export interface RawTensorInfo {
  name: string;
  typeId: number;
  dims: number[];
  /** Relative to the start of the data section, as stored. */
  offset: number;
  /** Where the entry starts in the file, for messages. */
  entryOffset: number;
}

export interface RawGgufHeader {
  version: number;
  metadata: Record<string, unknown>;
  tensors: RawTensorInfo[];
  /** End of the tensor table, before alignment padding. */
  tableEnd: number;
}

function describeBadMagic(head: Buffer): string {
  const text = head.toString('latin1');
  if (text.startsWith('version ')) return 'it looks like a Git LFS pointer file, not the model itself';
  if (/^\s*</.test(text)) return 'it looks like an HTML/XML page (a failed download saved as the model?)';
  if (/^\s*[{[]/.test(text)) return 'it looks like JSON';
  const hex = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `its first bytes are ${hex}, GGUF files start with "GGUF" (47 47 55 46)`;
}

async function readValue(r: PositionedReader, type: number, key: string, full: boolean): Promise<unknown> {
  const what = `value of ${key}`;
  switch (type) {
    case GgufValueType.UINT8: return r.u8(what);
    case GgufValueType.INT8: return r.i8(what);
    case GgufValueType.UINT16: return r.u16(what);
    case GgufValueType.INT16: return r.i16(what);
    case GgufValueType.UINT32: return r.u32(what);
    case GgufValueType.INT32: return r.i32(what);
    case GgufValueType.FLOAT32: return r.f32(what);
    case GgufValueType.FLOAT64: return r.f64(what);
    case GgufValueType.BOOL: return (await r.u8(what)) !== 0;
    case GgufValueType.STRING: return r.string(what);
    case GgufValueType.UINT64: return toNumber(await r.u64(what));
    case GgufValueType.INT64: return toNumber(await r.i64(what));
    case GgufValueType.ARRAY: return readArray(r, key, full);
    default:
      throw new GgufFileError(r.path, {
        reason: `metadata key "${key}" has unknown value type ${type}`,
        offset: r.offset - 4,
        hint: 'the metadata is corrupt or written by an incompatible tool; regenerate the file',
      });
  }
}

function toNumber(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}

async function readArray(r: PositionedReader, key: string, full: boolean): Promise<unknown> {
  const typeAt = r.offset;
  const itemType = await r.u32(`array type of ${key}`);
  if (itemType === GgufValueType.ARRAY || (itemType !== GgufValueType.STRING && GGUF_VALUE_SIZE[itemType] === undefined)) {
    throw new GgufFileError(r.path, {
      reason: `metadata array "${key}" has unsupported item type ${valueTypeName(itemType)}`,
      offset: typeAt,
      hint: 'the metadata is corrupt or written by an incompatible tool; regenerate the file',
    });
  }
  const itemSize = GGUF_VALUE_SIZE[itemType] ?? 8; // a string takes at least its 8-byte length
  const length = await r.count(`item count of array ${key}`, Math.floor(r.remaining / itemSize));
  const keepAll = full || length <= ARRAY_SUMMARY_LIMIT;
  const items: unknown[] = [];
  for (let i = 0; i < length; i++) {
    if (keepAll || i < 8) items.push(await readValue(r, itemType, `${key}[${i}]`, false));
    else if (itemType === GgufValueType.STRING) await r.skip(await r.count(`length of ${key}[${i}]`, r.remaining - 8), `${key}[${i}]`);
    else {
      await r.skip((length - i) * itemSize, `${key}[${i}..]`);
      break;
    }
  }
  if (keepAll) return items;
  const summary: GgufArraySummary = { summarized: true, itemType: valueTypeName(itemType), length, head: items };
  return summary;
}

/** `path` names the file in errors; `source` may be an open FileHandle or bufferSource(bytes). */
export async function readGgufHeader(source: ByteSource, path: string, fileSize: number): Promise<RawGgufHeader> {
  const r = new PositionedReader(source, path, fileSize);
  if (fileSize < GGUF_HEADER_SIZE) {
    const head = await r.peek(0, 64);
    if (fileSize >= 4 && !head.subarray(0, 4).equals(GGUF_MAGIC_BYTES)) throw badMagic(path, head);
    throw new GgufFileError(path, {
      reason: fileSize === 0 ? 'file is empty' : `file is only ${fileSize} bytes, shorter than a GGUF header (${GGUF_HEADER_SIZE})`,
      offset: 0,
      hint: 'the file is truncated or was never written; regenerate or re-download it',
    });
  }
  const magic = await r.bytes(4, 'magic');
  if (magic.readUInt32LE(0) !== GGUF_MAGIC) throw badMagic(path, await r.peek(0, 64));
  const version = await r.u32('version');
  if (!GGUF_SUPPORTED_VERSIONS.includes(version)) {
    const swapped = Buffer.alloc(4);
    swapped.writeUInt32BE(version);
    const bigEndian = GGUF_SUPPORTED_VERSIONS.includes(swapped.readUInt32LE(0));
    throw new GgufFileError(path, {
      reason: bigEndian ? 'GGUF file is big-endian' : `unsupported GGUF version ${version} (supported: ${GGUF_SUPPORTED_VERSIONS.join(', ')})`,
      offset: 4,
      hint: bigEndian ? 'use a little-endian build of the model' : 'convert the model with a current llama.cpp (convert_hf_to_gguf.py) or download a current GGUF',
    });
  }
  // Every tensor entry takes at least 8+4+8+4+8 bytes and every key/value at least 8+4+1.
  const tensorCount = await r.count('tensor count', Math.floor(r.remaining / 32));
  const kvCount = await r.count('metadata key count', Math.floor(r.remaining / 13));

  const metadata: Record<string, unknown> = {};
  for (let i = 0; i < kvCount; i++) {
    const keyAt = r.offset;
    const key = await r.string(`metadata key #${i}`);
    if (Object.hasOwn(metadata, key)) {
      throw new GgufFileError(path, {
        reason: `metadata key "${key}" appears twice`,
        offset: keyAt,
        hint: 'the writer that made this file is broken; regenerate it',
      });
    }
    const type = await r.u32(`value type of ${key}`);
    metadata[key] = await readValue(r, type, key, ALWAYS_FULL.has(key));
  }

  const tensors: RawTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const entryOffset = r.offset;
    const name = await r.string(`name of tensor #${i}`);
    const nDims = await r.u32(`dimension count of tensor ${name}`);
    if (nDims < 1 || nDims > GGML_MAX_DIMS) {
      throw new GgufFileError(path, {
        reason: `tensor "${name}" has ${nDims} dimensions (1 to ${GGML_MAX_DIMS} allowed)`,
        offset: entryOffset,
        hint: 'the tensor table is corrupt; regenerate or re-download the file',
      });
    }
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(await r.count(`ne[${d}] of tensor ${name}`, Number.MAX_SAFE_INTEGER));
    const typeId = await r.u32(`type of tensor ${name}`);
    const offset = await r.count(`data offset of tensor ${name}`, Number.MAX_SAFE_INTEGER);
    tensors.push({ name, typeId, dims, offset, entryOffset });
  }
  return { version, metadata, tensors, tableEnd: r.offset };
}

function badMagic(path: string, head: Buffer): GgufFileError {
  return new GgufFileError(path, {
    reason: `not a GGUF file: ${describeBadMagic(head)}`,
    offset: 0,
    hint: 'point the model path at a .gguf file (convert other formats with llama.cpp convert_hf_to_gguf.py)',
  });
}
