// A damaged model file at restart: the served copy of a GGUF model replaced by a damaged one (its
// tensor data cut halfway, as an interrupted download leaves it, or its magic changed, a file that
// is not GGUF), then put back. Replacing means renaming a whole new file over the path, as a
// deploy would: a worker that has the old file mapped keeps reading the old bytes (truncating a
// mapped file in place would kill it with SIGBUS, a different fault), and the next worker start
// reads the damaged one, which its preflight must refuse. Only ever used on a copy the harness
// made (see ServedModelCopy); the fixture or a user's model is never touched.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readRawHeader, replaceMagic, truncateData } from '../../gguf/fixtures/corrupt.ts';
import { writeFileAtomic } from '../../write-atomic.ts';

export type ModelDamage = 'truncate' | 'header';

/** A copy of a model file in a directory of its own, which a fault may damage and restore. */
export class ServedModelCopy {
  readonly path: string;
  private readonly dir: string;

  constructor(readonly original: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'embedgate-model-'));
    // Same base name: the server's model id (its file name) stays what the load sends.
    this.path = join(this.dir, basename(original));
    copyFileSync(original, this.path);
  }

  /** Replaces the copy by a damaged one; says what was done. */
  async damage(how: ModelDamage): Promise<string> {
    const bytes = readFileSync(this.original);
    const damaged = how === 'header' ? replaceMagic(bytes) : truncateData(bytes, await readRawHeader(bytes, this.original));
    await writeFileAtomic(this.path, damaged);
    return how === 'header' ? `${this.path}: its GGUF magic replaced` : `${this.path}: cut to ${damaged.length} of ${bytes.length} bytes (tensor data halfway)`;
  }

  /** Puts the intact copy back. */
  async restore(): Promise<void> {
    await writeFileAtomic(this.path, readFileSync(this.original));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
