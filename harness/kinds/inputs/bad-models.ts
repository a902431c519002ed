// The broken model files an inputs suite hands to the embedder, written into a directory of the
// suite's own (never the fixtures'): the four the fixture builders make (truncated, wrong magic,
// inconsistent tensor table, duplicate vocabulary token) and two made here from the same tiny
// valid BERT, each one defect away from a loadable model: NaN weights and an embedding length in
// the metadata that contradicts the tensors.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alignUp, GGUF_ALIGNMENT_KEY, GGUF_DEFAULT_ALIGNMENT } from '../../gguf/format.ts';
import { BAD_MODEL_NAMES, validTinyModel, writeBadModels } from '../../gguf/fixtures/bad.ts';
import { readRawHeader } from '../../gguf/fixtures/corrupt.ts';

export interface BadModelCase {
  name: string;
  /** What is wrong, in words for the report. */
  defect: string;
  /** The error must say this (a reason, not just "failed"). */
  reason: RegExp;
  path: string;
}

const REASONS: Record<string, { defect: string; reason: RegExp }> = {
  truncated: { defect: 'tensor data cut halfway (an interrupted download)', reason: /truncated|missing|ends at byte/i },
  'wrong-magic': { defect: 'the magic of the pre-GGUF format instead of "GGUF"', reason: /GGUF|magic|first bytes/i },
  'bad-tensor-table': { defect: 'the second tensor’s data offset points into the first’s', reason: /overlap|offset|tensor table/i },
  'duplicate-vocab': { defect: 'the last vocabulary entry repeats an earlier token', reason: /duplicate/i },
  'nan-weights': { defect: 'every value of token_embd.weight is NaN', reason: /NaN|non-finite|not finite/i },
  'contradictory-dimensions': { defect: 'bert.embedding_length says 128, the tensors are 64 wide', reason: /embedding_length|shape|dimension|128/i },
};

/** F16 quiet NaN. */
const F16_NAN = 0x7e00;

/** The tiny BERT with token_embd.weight all NaN: structurally valid, numerically useless. */
export async function nanWeightsModel(): Promise<Buffer> {
  const bytes = validTinyModel();
  const header = await readRawHeader(bytes);
  const t = header.tensors.find((x) => x.name === 'token_embd.weight');
  if (!t || t.typeId !== 1) throw new Error('nanWeightsModel: the tiny model has no F16 token_embd.weight');
  const alignment = typeof header.metadata[GGUF_ALIGNMENT_KEY] === 'number' ? (header.metadata[GGUF_ALIGNMENT_KEY] as number) : GGUF_DEFAULT_ALIGNMENT;
  const start = alignUp(header.tableEnd, alignment) + t.offset;
  const values = t.dims.reduce((a, b) => a * b, 1);
  for (let i = 0; i < values; i++) bytes.writeUInt16LE(F16_NAN, start + 2 * i);
  return bytes;
}

/** The tiny BERT whose bert.embedding_length (a UINT32) is doubled, every other byte as it was. */
export async function contradictoryDimensionsModel(): Promise<Buffer> {
  const bytes = validTinyModel();
  const key = Buffer.from('bert.embedding_length', 'utf8');
  const at = bytes.indexOf(key);
  if (at < 0) throw new Error('contradictoryDimensionsModel: no bert.embedding_length key');
  const typeAt = at + key.length;
  if (bytes.readUInt32LE(typeAt) !== 4) throw new Error('contradictoryDimensionsModel: bert.embedding_length is not a UINT32');
  bytes.writeUInt32LE(bytes.readUInt32LE(typeAt + 4) * 2, typeAt + 4);
  return bytes;
}

/** Writes all six into `dir` (a temp dir of the suite's own) and describes them. */
export async function writeBadModelCases(dir: string): Promise<BadModelCase[]> {
  const paths: Record<string, string> = { ...(await writeBadModels(dir)) };
  paths['nan-weights'] = join(dir, 'nan-weights.gguf');
  await writeFile(paths['nan-weights'], await nanWeightsModel());
  paths['contradictory-dimensions'] = join(dir, 'contradictory-dimensions.gguf');
  await writeFile(paths['contradictory-dimensions'], await contradictoryDimensionsModel());
  return [...BAD_MODEL_NAMES, 'nan-weights', 'contradictory-dimensions'].map((name) => ({ name, ...REASONS[name]!, path: paths[name]! }));
}
