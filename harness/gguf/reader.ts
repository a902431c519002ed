// Sequential little-endian reads over positioned file reads, so a 4 GB model's header is parsed
// without loading the file. Reads past the end raise a GgufFileError naming the byte offset.
import { GgufFileError } from './errors.ts';

/** Positioned reads; a FileHandle is one, and bufferSource() makes one of bytes in memory. */
export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export function bufferSource(bytes: Buffer): ByteSource {
  return {
    async read(buffer, offset, length, position) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      bytes.copy(buffer, offset, position, position + n);
      return { bytesRead: n };
    },
  };
}

const CHUNK = 1 << 20;

export class PositionedReader {
  offset = 0;
  private buf = Buffer.alloc(0);
  private bufStart = 0;

  constructor(
    private readonly source: ByteSource,
    readonly path: string,
    readonly fileSize: number,
  ) {}

  get remaining(): number {
    return this.fileSize - this.offset;
  }

  /** Makes `n` bytes at the current offset available in the buffer; `what` names them for the error. */
  private async ensure(n: number, what: string): Promise<number> {
    if (this.offset + n > this.fileSize) {
      throw new GgufFileError(this.path, {
        reason: `file ends inside ${what}: needs ${n} bytes at offset ${this.offset}, file is ${this.fileSize} bytes`,
        offset: this.offset,
        hint: 'the file is truncated (an interrupted download or copy?); download or regenerate it and compare its sha256',
      });
    }
    const rel = this.offset - this.bufStart;
    if (rel >= 0 && rel + n <= this.buf.length) return rel;
    const size = Math.min(Math.max(n, CHUNK), this.fileSize - this.offset);
    const next = Buffer.alloc(size);
    const { bytesRead } = await this.source.read(next, 0, size, this.offset);
    if (bytesRead < n) {
      throw new GgufFileError(this.path, {
        reason: `short read at offset ${this.offset} (${bytesRead} of ${n} bytes); the file changed while being read`,
        offset: this.offset,
        hint: 'make sure nothing is still writing the file, then retry',
      });
    }
    this.buf = next.subarray(0, bytesRead);
    this.bufStart = this.offset;
    return 0;
  }

  async bytes(n: number, what: string): Promise<Buffer> {
    const at = await this.ensure(n, what);
    this.offset += n;
    return this.buf.subarray(at, at + n);
  }
  async u8(what: string): Promise<number> {
    return (await this.bytes(1, what)).readUInt8(0);
  }
  async i8(what: string): Promise<number> {
    return (await this.bytes(1, what)).readInt8(0);
  }
  async u16(what: string): Promise<number> {
    return (await this.bytes(2, what)).readUInt16LE(0);
  }
  async i16(what: string): Promise<number> {
    return (await this.bytes(2, what)).readInt16LE(0);
  }
  async u32(what: string): Promise<number> {
    return (await this.bytes(4, what)).readUInt32LE(0);
  }
  async i32(what: string): Promise<number> {
    return (await this.bytes(4, what)).readInt32LE(0);
  }
  async f32(what: string): Promise<number> {
    return (await this.bytes(4, what)).readFloatLE(0);
  }
  async f64(what: string): Promise<number> {
    return (await this.bytes(8, what)).readDoubleLE(0);
  }
  async u64(what: string): Promise<bigint> {
    return (await this.bytes(8, what)).readBigUInt64LE(0);
  }
  async i64(what: string): Promise<bigint> {
    return (await this.bytes(8, what)).readBigInt64LE(0);
  }

  /**
   * A uint64 count or length that must stay below `max`, the most the rest of the file could hold.
   * Above 2^32 it is absurd (a corrupt header); below that the file may simply be cut short.
   */
  async count(what: string, max: number): Promise<number> {
    const at = this.offset;
    const v = await this.u64(what);
    if (v > BigInt(max)) {
      const absurd = v > 0xffffffffn;
      throw new GgufFileError(this.path, {
        reason: absurd
          ? `absurd ${what}: ${v}`
          : `${what} is ${v}, more than the ${this.fileSize - this.offset} bytes left in the file can hold`,
        offset: at,
        hint: absurd
          ? 'the header is corrupt or the file is not a GGUF model; regenerate or re-download it'
          : 'the file is truncated or its header is corrupt; regenerate or re-download it and compare its sha256',
      });
    }
    return Number(v);
  }

  /** Reads `n` bytes at `offset` without moving the cursor (for messages about the file's start). */
  async peek(offset: number, n: number): Promise<Buffer> {
    const buf = Buffer.alloc(Math.max(0, Math.min(n, this.fileSize - offset)));
    const { bytesRead } = await this.source.read(buf, 0, buf.length, offset);
    return buf.subarray(0, bytesRead);
  }

  /** A GGUF string: uint64 byte length then UTF-8 bytes. */
  async string(what: string): Promise<string> {
    const len = await this.count(`length of ${what}`, this.remaining - 8);
    return (await this.bytes(len, what)).toString('utf8');
  }

  /** Advances over `n` bytes without reading them. */
  async skip(n: number, what: string): Promise<void> {
    if (this.offset + n > this.fileSize) await this.ensure(n, what);
    this.offset += n;
  }
}
