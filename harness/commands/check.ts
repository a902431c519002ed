// `embedgate check <file.yaml>...`: validates suite and gate files and runs nothing.
import { resolve } from 'node:path';
import { formatConfigErrors } from '../config/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { loadFiles } from './load-files.ts';
import { parseModelOverrides, UsageError, type ParsedValues } from './options.ts';

export function checkCommand(files: string[], values: ParsedValues): number {
  if (files.length === 0) throw new UsageError('check expects one or more suite or gate files');
  const loaded = loadFiles(files.map((f) => resolve(f)), parseModelOverrides(values.model));
  if (Array.isArray(loaded)) {
    process.stderr.write(formatConfigErrors(loaded) + '\n');
    return EXIT.usage;
  }
  process.stdout.write(`ok: ${loaded.suites.length} suite(s) valid\n`);
  return EXIT.pass;
}
