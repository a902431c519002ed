// Write a file so that readers see either the old content or the whole new content, never a
// torn half: a temp file in the same directory (rename is only atomic within one filesystem),
// fsync, rename over the target, then fsync the directory so the rename itself survives a crash.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export type AtomicData = string | Uint8Array;

function tempPathFor(path: string): string {
  // Dot-prefixed so globs over a reports dir skip half-written files.
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Atomically replaces `path` with `data` (parent directories are created). */
export async function writeFileAtomic(path: string, data: AtomicData): Promise<void> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const handle = await fsp.open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, path);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Same as writeFileAtomic, for paths that cannot await (signal handlers, process exit). */
export function writeFileAtomicSync(path: string, data: AtomicData): void {
  fs.mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const fd = fs.openSync(temp, 'wx', 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectorySync(dirname(path));
}

// Directory fsync is not supported everywhere (Windows, some network filesystems); the data
// itself is already synced, so losing only the rename's durability there is acceptable.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort, see above */
  }
}

function syncDirectorySync(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort, see above */
  }
}
