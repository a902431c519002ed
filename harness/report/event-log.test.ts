import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_LOG_FILE, createEventLog, readEventLog } from './event-log.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const tempDir = () => mkdtempSync(join(tmpdir(), 'embedgate-events-'));

describe('events.jsonl', () => {
  it('holds one JSON object per line', () => {
    const path = join(tempDir(), EVENT_LOG_FILE);
    const log = createEventLog(path);
    log.append({ type: 'log', time: '2025-01-01T00:00:00.000Z', level: 'info', message: 'two\nlines' });
    log.append({ type: 'progress', time: '2025-01-01T00:00:01.000Z', suite: 's', phase: 'run', done: 1, total: 2 });
    log.close();
    log.close();
    expect(() => log.append({ type: 'log', time: '', level: 'info', message: 'late' })).toThrow(/closed/);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['log', 'progress']);
    expect(readEventLog(path).tornLastLine).toBeUndefined();
  });

  it('keeps every event emitted before the process is SIGKILLed', () => {
    const outDir = tempDir();
    const count = 500;
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'event-log.crash-child.ts'), outDir, String(count)], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    const { events, tornLastLine } = readEventLog(join(outDir, EVENT_LOG_FILE));
    expect(tornLastLine).toBeUndefined();
    expect(events).toHaveLength(count + 1);
    expect(events[0]?.type).toBe('run-start');
    const values = events.flatMap((e) => (e.type === 'sample' ? [e.value] : []));
    expect(values).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(events.every((e) => typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time)))).toBe(true);
  });
});
