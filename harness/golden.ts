// Golden vectors: what a model produced for a fixed set of texts, recorded once and compared
// against on every run. The file names the model's sha256 so a comparison against the wrong
// model is refused instead of reported as a fidelity drop.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ModelInfo } from './result.ts';
import type { TextItem } from './texts.ts';
import type { EmbeddingTarget } from './targets/target.ts';
import { withPrefix } from './texts.ts';
import { writeFileAtomic } from './write-atomic.ts';

export const GOLDEN_SCHEMA_VERSION = 1;

export interface GoldenItem {
  id: string;
  role: TextItem['role'];
  text: string;
  /** sha256 of the exact string embedded (prefix + text), so an edited text is noticed. */
  textSha256: string;
  /** Tokens the text became, when the target reported it; a change means the tokenizer changed. */
  tokens?: number;
  vector: number[];
}

export interface GoldenFile {
  schemaVersion: typeof GOLDEN_SCHEMA_VERSION;
  kind: 'embedgate-golden';
  recordedAt: string;
  harnessVersion: string;
  model: Pick<ModelInfo, 'name' | 'sha256' | 'architecture' | 'dimensions' | 'pooling' | 'quantization' | 'fileSize'>;
  prefixes: { query: string; document: string };
  items: GoldenItem[];
}

export class GoldenFileError extends Error {}

export const sha256Text = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export async function recordGolden(
  target: EmbeddingTarget,
  texts: TextItem[],
  harnessVersion: string,
): Promise<GoldenFile> {
  const info = target.info();
  const inputs = texts.map((item) => withPrefix(info, item));
  const { vectors, tokens } = target.embedDetailed ? await target.embedDetailed(inputs) : { vectors: await target.embed(inputs), tokens: undefined };
  return {
    schemaVersion: GOLDEN_SCHEMA_VERSION,
    kind: 'embedgate-golden',
    recordedAt: new Date().toISOString(),
    harnessVersion,
    model: {
      name: info.name,
      sha256: info.sha256,
      architecture: info.architecture,
      dimensions: info.dimensions,
      pooling: info.pooling,
      quantization: info.quantization,
      fileSize: info.fileSize,
    },
    prefixes: { query: info.queryPrefix, document: info.documentPrefix },
    items: texts.map((item, i) => ({
      id: item.id,
      role: item.role,
      text: item.text,
      textSha256: sha256Text(inputs[i]!),
      ...(tokens?.[i] !== undefined ? { tokens: tokens[i] } : {}),
      vector: Array.from(vectors[i]!),
    })),
  };
}

export async function writeGolden(file: string, golden: GoldenFile): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(golden) + '\n');
}

export function readGolden(file: string): GoldenFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new GoldenFileError(`${file}: cannot read golden vectors (${why}). Record them with: embedgate record-golden --model <name> --out ${file}`);
  }
  const g = parsed as Partial<GoldenFile>;
  if (g.kind !== 'embedgate-golden' || typeof g.schemaVersion !== 'number') {
    throw new GoldenFileError(`${file}: not a golden vector file (no "kind": "embedgate-golden"); record one with embedgate record-golden`);
  }
  if (g.schemaVersion !== GOLDEN_SCHEMA_VERSION) {
    throw new GoldenFileError(`${file}: golden schemaVersion ${g.schemaVersion} is not supported (this harness reads ${GOLDEN_SCHEMA_VERSION}); re-record it`);
  }
  if (!g.model?.sha256 || !Array.isArray(g.items) || g.items.length === 0) {
    throw new GoldenFileError(`${file}: golden file has no model sha256 or no items; re-record it`);
  }
  g.items.forEach((item, i) => {
    if (!Array.isArray(item?.vector) || typeof item.text !== 'string') {
      throw new GoldenFileError(`${file}: items[${i}] has no vector or text; re-record it`);
    }
  });
  return g as GoldenFile;
}
