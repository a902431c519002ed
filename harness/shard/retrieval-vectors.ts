// The vectors a retrieval shard embedded, in its run directory, for `embedgate merge` to rank and
// score the union of. One file per suite: the 8 bytes "EGVECS01", the JSON header's length in
// bytes (uint32 little-endian), the header (UTF-8, padded with spaces to a multiple of 4 bytes),
// then every vector as float32 little-endian: for each side in the header's order (target, then
// compare), its documents, then its queries, in the order of the header's ids.
import { existsSync, readFileSync } from 'node:fs';
import type { RetrievalParams } from '../kinds/retrieval/params.ts';
import type { ModelInfo } from '../result.ts';
import { writeFileAtomicSync } from '../write-atomic.ts';

export const VECTORS_SCHEMA = 'embedgate-retrieval-vectors/1';
const MAGIC = 'EGVECS01';

export interface VectorSideHeader {
  role: 'target' | 'compare';
  model: ModelInfo;
  documentSeconds: number;
  querySeconds: number;
  /** Floats per vector (documents, then queries), present only when a vector's length is not model.dimensions: a wrong length is kept as the model returned it, for the merge's vector hygiene. */
  lengths?: number[];
}

export interface VectorsHeader {
  schema: typeof VECTORS_SCHEMA;
  suite: string;
  shard: { index: number; count: number };
  seed: number;
  params: RetrievalParams;
  /** The dataset subset every shard drew the same way (subsetDataset with the run's seed). */
  dataset: { dir: string; split: string; revision: string; documents: number; queries: number };
  /** This shard's share, in the order the vectors are stored. */
  documentIds: string[];
  queryIds: string[];
  sides: VectorSideHeader[];
}

export interface VectorSide {
  header: VectorSideHeader;
  documents: Float32Array[];
  queries: Float32Array[];
}

/** The vectors file name of a suite, in the shard's run directory. */
export function vectorsFileName(suite: string): string {
  return `retrieval-vectors.${suite.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`;
}

export function writeVectors(file: string, header: Omit<VectorsHeader, 'sides'>, sides: { header: Omit<VectorSideHeader, 'lengths'>; documents: Float32Array[]; queries: Float32Array[] }[]): void {
  const full: VectorsHeader = {
    ...header,
    sides: sides.map((s) => {
      const all = [...s.documents, ...s.queries];
      return { ...s.header, ...(all.some((v) => v.length !== s.header.model.dimensions) ? { lengths: all.map((v) => v.length) } : {}) };
    }),
  };
  let json = Buffer.from(JSON.stringify(full), 'utf8');
  if (json.length % 4) json = Buffer.concat([json, Buffer.alloc(4 - (json.length % 4), ' ')]);
  const vectors = sides.flatMap((s) => [...s.documents, ...s.queries]);
  const floats = vectors.reduce((a, v) => a + v.length, 0);
  const out = Buffer.alloc(MAGIC.length + 4 + json.length + floats * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let at = MAGIC.length + 4 + json.length;
  for (const v of vectors) for (const x of v) at = out.writeFloatLE(x, at);
  writeFileAtomicSync(file, out);
}

/** Reads a vectors file; throws an Error naming the file and what is wrong with it. */
export function readVectors(file: string): { header: VectorsHeader; sides: VectorSide[] } {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const buf = readFileSync(file);
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error(`${file}: not a vectors file of this embedgate (it should begin with ${MAGIC})`);
  const jsonLength = buf.readUInt32LE(MAGIC.length);
  let header: VectorsHeader;
  try {
    header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength)) as VectorsHeader;
  } catch (err) {
    throw new Error(`${file}: its header is not JSON (${(err as Error).message}); the file is truncated or not one this embedgate wrote`);
  }
  if (header.schema !== VECTORS_SCHEMA) throw new Error(`${file}: header schema ${String(header.schema)}, expected ${VECTORS_SCHEMA}`);
  const count = header.documentIds.length + header.queryIds.length;
  const lengthsOf = (s: VectorSideHeader) => s.lengths ?? Array<number>(count).fill(s.model.dimensions);
  const floats = header.sides.reduce((a, s) => a + lengthsOf(s).reduce((x, y) => x + y, 0), 0);
  let at = MAGIC.length + 4 + jsonLength;
  if (buf.length !== at + floats * 4) throw new Error(`${file}: ${buf.length - at} bytes of vectors, but its header describes ${floats * 4}; the file is truncated or was changed`);
  const sides = header.sides.map((s) => {
    const vectors = lengthsOf(s).map((n) => {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++, at += 4) v[i] = buf.readFloatLE(at);
      return v;
    });
    return { header: s, documents: vectors.slice(0, header.documentIds.length), queries: vectors.slice(header.documentIds.length) };
  });
  return { header, sides };
}
