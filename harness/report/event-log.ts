// events.jsonl: one event per line, appended with a synchronous write(2) as each event happens.
// Once writeSync returns, the bytes are in the kernel, so a crash or SIGKILL of the harness keeps
// every event emitted before it (only a power loss needs the fsync done at close).
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import type { HarnessEvent } from '../events.ts';

export const EVENT_LOG_FILE = 'events.jsonl';

export interface EventLog {
  readonly path: string;
  append(event: HarnessEvent): void;
  /** fsyncs and closes; later appends throw. Safe to call twice. */
  close(): void;
}

export function createEventLog(path: string): EventLog {
  fs.mkdirSync(dirname(path), { recursive: true });
  // 'a' = O_APPEND: each line lands at the end even if another writer has the file open.
  let fd: number | undefined = fs.openSync(path, 'a', 0o644);

  return {
    path,
    append(event) {
      if (fd === undefined) throw new Error(`event log ${path} is closed; cannot append a '${event.type}' event`);
      writeAll(fd, Buffer.from(toLine(event), 'utf8'));
    },
    close() {
      if (fd === undefined) return;
      const open = fd;
      fd = undefined;
      try {
        fs.fsyncSync(open);
      } finally {
        fs.closeSync(open);
      }
    },
  };
}

/** One JSON object per line; JSON.stringify never emits a raw newline, so a line is an event. */
function toLine(event: HarnessEvent): string {
  return JSON.stringify(event) + '\n';
}

// writeSync may write fewer bytes than asked (large run-end reports, full pipes); loop until done.
function writeAll(fd: number, buffer: Buffer): void {
  let offset = 0;
  while (offset < buffer.length) offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
}

/** Reads events.jsonl back; a torn last line (power loss mid-write) is reported, not hidden. */
export function readEventLog(path: string): { events: HarnessEvent[]; tornLastLine?: string } {
  const lines = fs.readFileSync(path, 'utf8').split('\n');
  const last = lines.pop();
  const events = lines.map((line, i) => {
    try {
      return JSON.parse(line) as HarnessEvent;
    } catch (error) {
      throw new Error(`${path}:${i + 1}: not a JSON event (${(error as Error).message})`);
    }
  });
  return last ? { events, tornLastLine: last } : { events };
}
