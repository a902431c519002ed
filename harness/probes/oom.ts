// Out-of-memory evidence: a process killed by SIGKILL that the harness did not kill, an ENOMEM or
// allocation failure in its output, and the cgroup's oom_kill counter (v2 memory.events, v1
// memory.oom_control) moving during the run.
import { readFileSync } from 'node:fs';

const OOM_TEXT = /\b(ENOMEM|out of memory|Cannot allocate memory|std::bad_alloc|JavaScript heap out of memory|failed to allocate)\b/i;
/** How the gguf worker's death is reported on embedgate serve's stderr. */
const KILLED_TEXT = /killed by SIGKILL/;

/** Lines of a target's output that say it ran out of memory (or was SIGKILLed, the OOM killer's signal). */
export function oomLines(text: string): string[] {
  return text.split('\n').filter((line) => OOM_TEXT.test(line) || KILLED_TEXT.test(line));
}

/** The cgroup's count of OOM kills so far; undefined where no cgroup file says. */
export function cgroupOomKills(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): number | undefined {
  let rel = '';
  try {
    const lines = read('/proc/self/cgroup').split('\n');
    rel = lines.find((l) => l.startsWith('0::'))?.slice(3).trim() ?? '';
    const v1 = lines.find((l) => /^\d+:memory:/.test(l))?.split(':')[2]?.trim();
    const files = [
      ...(rel && rel !== '/' ? [`/sys/fs/cgroup${rel}/memory.events`] : []),
      '/sys/fs/cgroup/memory.events',
      ...(v1 && v1 !== '/' ? [`/sys/fs/cgroup/memory${v1}/memory.oom_control`] : []),
      '/sys/fs/cgroup/memory/memory.oom_control',
    ];
    for (const file of files) {
      try {
        const m = /^oom_kill (\d+)$/m.exec(read(file));
        if (m) return Number(m[1]);
      } catch {
        continue;
      }
    }
  } catch {
    // not Linux
  }
  return undefined;
}
