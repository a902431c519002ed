// Writes a GGUF v3 file. Same input → same bytes; the file appears complete or not at all
// (written to a temp file in the target directory, then renamed over the target).
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  GGML_MAX_DIMS,
  GGUF_ALIGNMENT_KEY,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgufValueType,
  alignUp,
  ggmlTypeInfo,
  tensorByteSize,
} from './format.ts';
import { KIND_TO_TYPE, type GgufArrayKind, type GgufMetadata, type GgufValue } from './value.ts';

export interface GgufTensorInput {
  name: string;
  /** ggml type id or name ('F32', 'F16', 'Q8_0', ...). */
  type: number | string;
  /** ggml order: dims[0] is the row length (innermost). */
  dims: number[];
  /** Already-encoded bytes in that type. */
  data: Uint8Array;
}

export interface GgufWriteInput {
  metadata: GgufMetadata;
  tensors: GgufTensorInput[];
}

/** Little-endian byte builder for the header part (metadata + tensor table). */
class HeaderEncoder {
  private readonly chunks: Buffer[] = [];
  length = 0;

  private push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  u64(n: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  scalar(kind: GgufArrayKind, v: number | bigint | string | boolean, key: string): void {
    const b = Buffer.alloc(8);
    const num = () => {
      if (typeof v !== 'number') throw new TypeError(`metadata ${key}: expected a number for ${kind}, got ${typeof v}`);
      if (kind !== 'f32' && kind !== 'f64' && !Number.isInteger(v)) {
        throw new TypeError(`metadata ${key}: ${v} is not an integer (${kind})`);
      }
      return v;
    };
    switch (kind) {
      case 'string': return this.string(String(v));
      case 'bool': b.writeUInt8(v ? 1 : 0); return this.push(b.subarray(0, 1));
      case 'u8': b.writeUInt8(num()); return this.push(b.subarray(0, 1));
      case 'i8': b.writeInt8(num()); return this.push(b.subarray(0, 1));
      case 'u16': b.writeUInt16LE(num()); return this.push(b.subarray(0, 2));
      case 'i16': b.writeInt16LE(num()); return this.push(b.subarray(0, 2));
      case 'u32': b.writeUInt32LE(num()); return this.push(b.subarray(0, 4));
      case 'i32': b.writeInt32LE(num()); return this.push(b.subarray(0, 4));
      case 'f32': b.writeFloatLE(num()); return this.push(b.subarray(0, 4));
      case 'f64': b.writeDoubleLE(num()); return this.push(b);
      case 'u64': b.writeBigUInt64LE(BigInt(v as number | bigint)); return this.push(b);
      case 'i64': b.writeBigInt64LE(BigInt(v as number | bigint)); return this.push(b);
    }
  }
  value(key: string, v: GgufValue): void {
    if (typeof v === 'string') {
      this.u32(GgufValueType.STRING);
      this.string(v);
    } else if (typeof v === 'boolean') {
      this.u32(GgufValueType.BOOL);
      this.scalar('bool', v, key);
    } else if (v.kind === 'array') {
      this.u32(GgufValueType.ARRAY);
      this.u32(KIND_TO_TYPE[v.of]);
      this.u64(v.items.length);
      for (const item of v.items) this.scalar(v.of, item, key);
    } else {
      this.u32(KIND_TO_TYPE[v.kind]);
      this.scalar(v.kind, v.value, key);
    }
  }
  padTo(alignment: number): void {
    const pad = alignUp(this.length, alignment) - this.length;
    if (pad > 0) this.push(Buffer.alloc(pad));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function readAlignment(metadata: GgufMetadata): number {
  const v = metadata[GGUF_ALIGNMENT_KEY];
  if (v === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (typeof v !== 'object' || v.kind !== 'u32' || typeof v.value !== 'number' || v.value <= 0 || v.value % 8 !== 0) {
    throw new TypeError(`metadata ${GGUF_ALIGNMENT_KEY} must be a u32 multiple of 8 (gguf spec)`);
  }
  return v.value;
}

/** Encodes metadata and the tensor table; returns the header bytes and each tensor's padded size. */
export function encodeGgufHeader(input: GgufWriteInput): { header: Buffer; alignment: number; dataSizes: number[] } {
  const alignment = readAlignment(input.metadata);
  const enc = new HeaderEncoder();
  enc.u32(GGUF_MAGIC);
  enc.u32(GGUF_VERSION);
  enc.u64(input.tensors.length);
  const keys = Object.keys(input.metadata);
  enc.u64(keys.length);
  for (const key of keys) {
    enc.string(key);
    enc.value(key, input.metadata[key] as GgufValue);
  }
  const names = new Set<string>();
  const dataSizes: number[] = [];
  let offset = 0;
  for (const t of input.tensors) {
    const info = ggmlTypeInfo(t.type);
    if (!info) throw new TypeError(`tensor ${t.name}: unknown ggml type ${t.type}`);
    if (names.has(t.name)) throw new TypeError(`tensor ${t.name}: duplicate name`);
    names.add(t.name);
    if (t.dims.length < 1 || t.dims.length > GGML_MAX_DIMS) throw new TypeError(`tensor ${t.name}: ${t.dims.length} dims`);
    const size = tensorByteSize(info, t.dims);
    if (typeof size === 'string') throw new TypeError(`tensor ${t.name}: ${size}`);
    if (size !== t.data.byteLength) {
      throw new TypeError(`tensor ${t.name}: ${info.name} [${t.dims}] needs ${size} bytes, got ${t.data.byteLength}`);
    }
    enc.string(t.name);
    enc.u32(t.dims.length);
    for (const d of t.dims) enc.u64(d);
    enc.u32(info.id);
    enc.u64(offset);
    const padded = alignUp(size, alignment);
    dataSizes.push(padded);
    offset += padded;
  }
  enc.padTo(alignment);
  return { header: enc.toBuffer(), alignment, dataSizes };
}

let tempCounter = 0;

/** Writes `input` as a GGUF file at `path`. Tensor data is written in the order given. */
export async function writeGguf(path: string, input: GgufWriteInput): Promise<void> {
  const { header, dataSizes } = encodeGgufHeader(input);
  const tmp = join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${tempCounter++}`);
  const fh = await open(tmp, 'w');
  try {
    let pos = 0;
    const put = async (bytes: Uint8Array) => {
      await fh.write(bytes, 0, bytes.byteLength, pos);
      pos += bytes.byteLength;
    };
    await put(header);
    for (const [i, t] of input.tensors.entries()) {
      await put(t.data);
      const pad = (dataSizes[i] ?? 0) - t.data.byteLength;
      if (pad > 0) await put(new Uint8Array(pad));
    }
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The whole file in memory, for small files (fault variants, tests). Same bytes as writeGguf. */
export function encodeGguf(input: GgufWriteInput): Buffer {
  const { header, dataSizes } = encodeGgufHeader(input);
  const parts: Uint8Array[] = [header];
  input.tensors.forEach((t, i) => {
    parts.push(t.data);
    const pad = (dataSizes[i] ?? 0) - t.data.byteLength;
    if (pad > 0) parts.push(new Uint8Array(pad));
  });
  return Buffer.concat(parts);
}
