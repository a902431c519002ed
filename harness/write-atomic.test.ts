import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './write-atomic.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'embedgate-atomic-'));

describe('writeFileAtomic', () => {
  it('writes, replaces, creates parents and leaves no temp file', async () => {
    const dir = tempDir();
    const file = join(dir, 'nested', 'golden.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, new TextEncoder().encode('two'));
    writeFileAtomicSync(file, 'three');
    expect(readFileSync(file, 'utf8')).toBe('three');
    expect(readdirSync(join(dir, 'nested'))).toEqual(['golden.json']);
  });

  it('cleans up its temp file when the rename fails', async () => {
    const dir = tempDir();
    const target = join(dir, 'occupied');
    mkdirSync(join(target, 'child'), { recursive: true }); // a non-empty directory cannot be renamed over
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(() => writeFileAtomicSync(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['occupied']);
  });
});
