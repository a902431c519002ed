// What `embedgate serve --mcp [--stdio | --stateless] [--index-corpus DIR] [--index-max-docs N]` adds to the
// server: checks the options and reads the corpus before anything starts, so a bad folder is a
// usage error (exit 2) naming the file, not a server that starts and cannot search.
import type { FrontEnd, FrontEndParts } from '../../server/server.ts';
import { DEFAULT_INDEX_CORPUS, IndexCorpusError, loadIndexCorpus } from './corpus.ts';
import { mcpFrontEnd } from './mcp-front-end.ts';

export class McpUsageError extends Error {}

export interface McpServeValues {
  mcp?: boolean;
  stdio?: boolean;
  stateless?: boolean;
  'index-corpus'?: string;
  'index-max-docs'?: string;
}

/** Undefined without --mcp; throws McpUsageError for options that do not fit together or a bad corpus. */
export function mcpServeSetup(values: McpServeValues, log: (line: string) => void): ((parts: FrontEndParts) => FrontEnd) | undefined {
  if (!values.mcp) {
    const stray = (['stdio', 'stateless', 'index-corpus', 'index-max-docs'] as const).filter((k) => values[k] !== undefined);
    if (stray.length) throw new McpUsageError(`${stray.map((k) => `--${k}`).join(', ')} ${stray.length === 1 ? 'needs' : 'need'} --mcp`);
    return undefined;
  }
  if (values.stdio && values.stateless) throw new McpUsageError('--stateless is for Streamable HTTP; --stdio is one session by nature');
  let maxDocuments: number | undefined;
  if (values['index-max-docs'] !== undefined) {
    maxDocuments = Number(values['index-max-docs']);
    if (!Number.isInteger(maxDocuments) || maxDocuments < 1) throw new McpUsageError(`--index-max-docs expects a whole number ≥ 1, got "${values['index-max-docs']}"`);
  }
  try {
    const corpus = loadIndexCorpus(values['index-corpus'] ?? DEFAULT_INDEX_CORPUS, { ...(maxDocuments !== undefined ? { maxDocuments } : {}), onLog: log });
    return mcpFrontEnd({ corpus, stdio: values.stdio ?? false, stateless: values.stateless ?? false });
  } catch (err) {
    if (err instanceof IndexCorpusError) throw new McpUsageError(err.message);
    throw err;
  }
}
